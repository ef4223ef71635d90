import { expect, type Page, test } from '@playwright/test';
import { startSmallRun, waitForStep } from './playground';

// Each fault injected mid-run in a real browser on WebGPU (SwiftShader): a clear banner, and
// a run whose history stays intact — nothing lost beyond the last checkpoint, no step logged
// twice, finite metrics afterwards. SwiftShader steps take seconds, so the checkpoint is a
// pause's (pausing saves one) rather than the every-20-steps one.
const QUERY = 'steps=400&batch=2&log=1&warmup=0&evalEvery=1000&evalPrompts=1&evalTokens=4';

/** The logged loss points: steps 1..n exactly once each, every value finite. */
async function expectIntactHistory(page: Page): Promise<number> {
  const points = await page.evaluate(() => window.dpoPlayground?.metrics() ?? []);
  const losses = points.filter((p) => typeof p.loss === 'number');
  const steps = losses.map((p) => p.step);
  expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
  for (const p of losses) {
    expect(Number.isFinite(p.loss), `loss at step ${p.step}`).toBe(true);
    expect(Number.isFinite(p.grad_norm), `grad_norm at step ${p.step}`).toBe(true);
  }
  return steps.length;
}

/** Pauses (which saves a checkpoint) and returns its step once it is stored. */
async function pauseAtCheckpoint(page: Page): Promise<number> {
  await page.getByTestId('run-pause').click();
  await page.waitForFunction(
    () => {
      const s = window.dpoPlayground?.status();
      const r = window.dpoPlayground?.runs().find((x) => x.id === s?.runId);
      return s?.phase === 'paused' && r?.lastCheckpointStep === s.step;
    },
    null,
    { polling: 100 },
  );
  return (await page.evaluate(() => window.dpoPlayground?.status().step)) ?? -1;
}

/** Trains to `saved` + 1, so that a fault comes after the checkpoint at `saved`. */
async function trainPastCheckpoint(page: Page): Promise<number> {
  await waitForStep(page, 1);
  const saved = await pauseAtCheckpoint(page);
  await page.getByTestId('run-start').click();
  await waitForStep(page, saved + 1);
  return saved;
}

const lrInput = (page: Page) =>
  page.getByRole('region', { name: 'Run controls' }).getByLabel('learning rate');

test('a NaN from an absurd learning rate pauses at the last good checkpoint; a lower lr resumes', async ({
  page,
}) => {
  await startSmallRun(page, QUERY);
  await waitForStep(page, 1);
  const saved = await pauseAtCheckpoint(page);
  // The lr field refuses 1e10 (its bound is 1): the test hook sets it past the bound.
  await expect(async () => {
    await lrInput(page).fill('1e10');
    await expect(lrInput(page)).toHaveAttribute('aria-invalid', 'true');
  }).toPass();
  await page.evaluate(() => window.dpoPlayground?.forceLearningRate(1e10));
  await page.getByTestId('run-start').click();
  const banner = page.getByTestId('fault-banner');
  await expect(banner).toHaveAttribute('data-kind', 'non-finite');
  await expect(banner).toContainText(/Training stopped at step \d+: .* became (NaN|[+−]∞)\./);
  await expect(banner).toContainText(
    `π_θ and Adam's state were restored from the last good checkpoint (step ${saved})`,
  );
  await expect(banner).toContainText('Lower the learning rate (it was 1e10)');
  const status = await page.evaluate(() => window.dpoPlayground?.status());
  expect(status?.phase).toBe('paused');
  expect(status?.step).toBe(saved);
  expect(await expectIntactHistory(page)).toBe(saved);

  await lrInput(page).fill('0.0005');
  await page.getByTestId('fault-dismiss').click();
  await expect(banner).toHaveCount(0);
  await page.getByTestId('run-start').click();
  await waitForStep(page, saved + 1);
  expect(await expectIntactHistory(page)).toBeGreaterThan(saved);
});

test('a lost GPU device: WebGPU again on a fresh device, training resumes from the checkpoint', async ({
  page,
}) => {
  const app = await startSmallRun(page, QUERY);
  const saved = await trainPastCheckpoint(page);
  await page.evaluate(() => window.dpoPlayground?.loseDevice());
  const banner = page.getByTestId('fault-banner');
  await expect(banner).toHaveAttribute('data-kind', 'device-lost');
  await expect(banner).toContainText(
    new RegExp(
      `The GPU device was lost at step \\d+ \\(.+\\); resumed on webgpu from step ${saved}, the last checkpoint\\.`,
    ),
  );
  const fault = await page.evaluate(() => window.dpoPlayground?.fault());
  expect(fault?.restoredStep).toBe(saved);
  expect(fault?.step).toBeGreaterThan(saved);
  expect((await app.status())?.backend).toBe('webgpu');
  await waitForStep(page, (fault?.step ?? saved) + 1);
  await pauseAtCheckpoint(page);
  expect(await expectIntactHistory(page)).toBeGreaterThan(fault?.step ?? saved);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

test('a killed worker is noticed within seconds and restarts from the last checkpoint', async ({
  page,
}) => {
  await startSmallRun(page, QUERY);
  const saved = await trainPastCheckpoint(page);
  const killedAt = Date.now();
  await page.evaluate(() => window.dpoPlayground?.killWorker());
  const banner = page.getByTestId('fault-banner');
  await expect(banner).toHaveAttribute('data-kind', 'worker-stopped', { timeout: 15_000 });
  expect(Date.now() - killedAt).toBeLessThan(12_000);
  await expect(banner).toContainText(
    /The training worker stopped at step \d+ \(no reply for \d+ s\)\./,
  );
  await expect(banner).toContainText(
    `The run is saved up to its last checkpoint (step ${saved}): restart the worker to resume from there.`,
  );
  await page.getByTestId('fault-restart').click();
  await expect(banner).toContainText(
    `The training worker was restarted; the run resumed from step ${saved}, its last checkpoint.`,
  );
  await waitForStep(page, saved + 1);
  expect(await expectIntactHistory(page)).toBeGreaterThan(saved);
});
