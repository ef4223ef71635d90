import { expect, test } from '@playwright/test';
import { AUTO_BACKEND, Playground } from './playground';

// A two-run sweep (DPO and Preferred-FT, plus the SFT point) on the nano checkpoint, on the
// automatic backend.
test.setTimeout(10 * 60_000);

test('a two-run sweep fills the frontier chart and the runs table', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  await app.waitForBackend();
  expect((await app.status())?.backend).toBe(AUTO_BACKEND);
  await page.waitForFunction(() => !!window.dpoPlayground?.checkpoint());

  await page.getByTestId('sweep-betas').fill('0.1');
  await page.getByTestId('sweep-steps').fill('4');
  await page.getByTestId('sweep-prompts').fill('8');
  await page.getByTestId('sweep-eval-prompts').fill('8');
  await page.getByTestId('sweep-eval-every').fill('2');
  await page.getByTestId('sweep-start').click();
  await expect(page.getByTestId('sweep-progress')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('run-start')).toBeDisabled();
  await page.waitForFunction(() => window.dpoPlayground?.frontier().state === 'done', null, {
    timeout: 8 * 60_000,
    polling: 500,
  });

  const f = await page.evaluate(() => window.dpoPlayground?.frontier());
  expect(f?.runs.map((r) => r.algorithm)).toEqual(['sft', 'dpo', 'preferred-ft']);
  expect(f?.runs.every((r) => r.status === 'done')).toBe(true);
  const byRun = (id: string) => f?.points.filter((p) => p.runId === id) ?? [];
  const dpo = f?.runs.find((r) => r.algorithm === 'dpo')?.runId ?? '';
  // Points at steps 0, 2, 4; π_θ = π_ref at step 0, so KL 0 there and then positive.
  expect(byRun(dpo).map((p) => p.step)).toEqual([0, 2, 4]);
  expect(byRun(dpo)[0]?.kl).toBeCloseTo(0, 6);
  expect(byRun(dpo).at(-1)?.kl).toBeGreaterThan(0);
  for (const p of f?.points ?? []) {
    expect(p.reward).toBeGreaterThanOrEqual(0);
    expect(p.reward).toBeLessThanOrEqual(1);
  }
  await expect(page.getByTestId('frontier-chart')).toHaveAttribute('data-series', '3');
  await expect(page.getByTestId('frontier-chart').locator('.recharts-scatter-symbol')).toHaveCount(
    f?.points.length ?? -1,
  );
  await expect(page.getByTestId('sweep-run-row')).toHaveCount(3);
  await expect(page.getByTestId('sweep-run-row').nth(1)).toContainText('DPO');
  await expect(page.getByTestId('run-start')).toBeEnabled();
  expect(app.errors).toEqual([]);
});
