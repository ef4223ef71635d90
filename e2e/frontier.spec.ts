import { expect, test } from '@playwright/test';
import { AUTO_BACKEND, Playground } from './playground';

// A two-run sweep (DPO and Preferred-FT, plus the SFT point) on the automatic backend, with two
// seeds: each run is drawn as its mean across seeds with a band. The builder opens on the quick
// like-for-like preset (every algorithm, 2 seeds); this test keeps two of them and shrinks it.
test.setTimeout(10 * 60_000);

test('a two-run sweep fills the frontier chart and the runs table', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  await app.waitForBackend();
  expect((await app.status())?.backend).toBe(AUTO_BACKEND);
  await page.waitForFunction(() => !!window.dpoPlayground?.checkpoint());

  for (const id of ['unlikelihood', 'best-of-n', 'ppo', 'ppo-gt']) {
    await page.getByTestId(`sweep-${id}`).uncheck();
  }
  await expect(page.getByTestId('sweep-seeds')).toHaveValue('2');
  await page.getByTestId('sweep-betas').fill('0.1');
  await page.getByTestId('sweep-steps').fill('4');
  await page.getByTestId('sweep-prompts').fill('8');
  await page.getByTestId('sweep-eval-prompts').fill('8');
  await page.getByTestId('sweep-eval-every').fill('2');
  await page.getByTestId('sweep-seeds').fill('2');
  // Samples the bar and its words every 100 ms: it must run over seeds × runs, never back.
  await page.evaluate(() => {
    const seen: { value: number; text: string }[] = [];
    (window as unknown as { sweepSeen: typeof seen }).sweepSeen = seen;
    setInterval(() => {
      const bar = document.querySelector<HTMLProgressElement>('[data-testid="sweep-progress"]');
      const text = document.querySelector('[data-testid="sweep-status"]')?.textContent ?? '';
      if (bar) seen.push({ value: bar.value / bar.max, text });
    }, 100);
  });
  await page.getByTestId('sweep-start').click();
  await expect(page.getByTestId('sweep-progress')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('run-start')).toBeDisabled();
  await expect(page.getByTestId('sweep-status')).toContainText('seed 2 of 2', {
    timeout: 5 * 60_000,
  });
  await page
    .getByTestId('frontier-panel')
    .screenshot({ path: test.info().outputPath('frontier-panel-seed2.png') });
  await page.waitForFunction(() => window.dpoPlayground?.frontier().state === 'done', null, {
    timeout: 8 * 60_000,
    polling: 500,
  });

  const f = await page.evaluate(() => window.dpoPlayground?.frontier());
  expect(f?.runs.map((r) => r.algorithm)).toEqual(['sft', 'dpo', 'preferred-ft']);
  expect(f?.runs.every((r) => r.status === 'done')).toBe(true);
  const byRun = (id: string) => f?.points.filter((p) => p.runId === id) ?? [];
  const dpo = f?.runs.find((r) => r.algorithm === 'dpo')?.runId ?? '';
  // Points at steps 0, 2, 4 for each seed; π_θ = π_ref at step 0, so KL 0 there and then positive.
  expect(byRun(dpo).map((p) => [p.seed, p.step])).toEqual([
    [1, 0],
    [1, 2],
    [1, 4],
    [2, 0],
    [2, 2],
    [2, 4],
  ]);
  expect(byRun(dpo)[0]?.kl).toBeCloseTo(0, 6);
  expect(byRun(dpo).at(-1)?.kl).toBeGreaterThan(0);
  for (const p of f?.points ?? []) {
    expect(p.reward).toBeGreaterThanOrEqual(0);
    expect(p.reward).toBeLessThanOrEqual(1);
  }
  const chart = page.getByTestId('frontier-chart');
  await expect(chart).toHaveAttribute('data-series', '3');
  await expect(chart).toHaveAttribute('data-seeds', '2');
  // One marker per (run, step): the mean of the two seeds; a ± s.e. band for DPO and
  // Preferred-FT (SFT is a single point).
  await expect(chart.locator('.recharts-scatter-symbol')).toHaveCount((f?.points.length ?? 0) / 2);
  await expect(chart.locator('.recharts-area-area')).toHaveCount(2);
  await expect(chart).toContainText('means across 2 training seeds');
  // ± s.e. bars on every marker, and the sentence on what this power resolves.
  await expect(chart.locator('.recharts-errorBar').first()).toBeAttached();
  await expect(page.getByTestId('sweep-resolved')).toContainText('across 2 seeds');
  // Both runs spent the same budget (4 updates on 8 prompts × 4 samples); DPO's implicit
  // reward model was measured on held-out pairs.
  await expect(page.getByTestId('sweep-facts')).toContainText(
    'Budget per trained run: 4 policy updates, 32 samples',
  );
  // DPO's implicit reward model, as mean ± s.e. across the two seeds (the runs table has both).
  await expect(page.getByTestId('sweep-facts')).toContainText(
    /DPO’s implicit reward β·log π_θ\/π_ref: DPO[^;]* \d\.\d{3} ± \d\.\d{3} \(2 seeds\)/,
  );
  expect(f?.runs.map((r) => r.summaries.length)).toEqual([2, 2, 2]);
  // The bar reached 100 % and never went back; it said which seed it was on.
  await expect(page.getByTestId('sweep-progress')).toHaveJSProperty('value', 1);
  const seen = await page.evaluate(
    () => (window as unknown as { sweepSeen: { value: number; text: string }[] }).sweepSeen,
  );
  for (let i = 1; i < seen.length; i++) {
    expect(seen[i]?.value).toBeGreaterThanOrEqual((seen[i - 1]?.value ?? 0) - 1e-9);
  }
  const seed2 = seen.filter((x) => x.text.startsWith('seed 2 of 2'));
  expect(seen.some((x) => x.text.startsWith('seed 1 of 2'))).toBe(true);
  expect(seed2.length).toBeGreaterThan(0);
  // Seed 2 runs the bar from half-way to (nearly) the end.
  expect(Math.min(...seed2.map((x) => x.value))).toBeGreaterThanOrEqual(0.5);
  expect(Math.max(...seed2.map((x) => x.value))).toBeGreaterThan(0.8);
  await page
    .getByTestId('frontier-panel')
    .screenshot({ path: test.info().outputPath('frontier-panel.png') });
  await expect(page.getByTestId('sweep-run-row')).toHaveCount(3);
  await expect(page.getByTestId('sweep-run-row').nth(1)).toContainText('DPO');
  await expect(page.getByTestId('sweep-run-row').nth(1)).toContainText('done · 2/2 seeds');
  await expect(page.getByTestId('run-start')).toBeEnabled();
  expect(app.errors).toEqual([]);
});
