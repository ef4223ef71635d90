import { expect, test } from '@playwright/test';
import { AUTO_BACKEND, Playground } from './playground';

// The default demo end to end on the automatic backend (WASM where WebGPU is SwiftShader):
// sample pairs from π_ref, train online DPO rounds (fresh pairs from π_θ each round), evaluate.
test.setTimeout(8 * 60_000);

/**
 * What the default demo reaches under its fixed seeds, with room for backend rounding: on the
 * micro checkpoint the Node WASM runs of docs/experiments.md's table ended 0.29–0.33 above π_ref at KL
 * 5.7–13.9 with π_θ's fluency ≥ 0.98; seed 1, the default, at 0.846 against 0.513, KL 5.7 (see
 * "Using the playground"). The bounds are the issue's.
 */
const MIN_REWARD_GAIN = 0.2;
const MIN_REWARD = 0.75;
const MAX_KL = 15;
const MIN_FLUENCY = 0.95;
const DEFAULT_ROUNDS = 3;
/** What the speed probe picks here (WASM on 2 cores): the fluent model, as the demo fits. */
const EXPECTED_MODEL = process.env.DPO_E2E_DEMO_MODEL ?? 'micro';

test('the default DPO demo learns the preferences and raises the ground-truth reward', async ({
  page,
}, testInfo) => {
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const app = new Playground(page);
  const t0 = Date.now();
  await app.open();
  await app.waitForBackend();
  expect((await app.status())?.backend).toBe(AUTO_BACKEND);
  await expect(page.getByTestId('checkpoint-info')).toBeVisible();
  // The probe's timings and estimate (Stage 1), to calibrate share/models.ts against the wall
  // time; a busier machine than the calibration's makes it pick nano, which this names.
  const preset = () => page.evaluate(() => window.dpoPlayground?.checkpoint()?.preset ?? null);
  await expect.poll(preset, { timeout: 2 * 60_000 }).not.toBeNull();
  const model = await preset();
  const modelReason = await page.getByTestId('model-reason').textContent();
  console.log('model choice:', modelReason);
  expect(model, `the probe's choice: ${modelReason}`).toBe(EXPECTED_MODEL);

  const longTasksBefore = await page.evaluate(
    () => (window as unknown as { longTasks: number[] }).longTasks.length,
  );
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('pairs-table')).toBeVisible({ timeout: 5 * 60_000 });
  const secondsToPairs = (Date.now() - t0) / 1000;
  // Seconds from page load until the first logged accuracy ≥ 0.9 and the first evaluation
  // where π_θ's ground-truth reward beats π_ref's.
  let secondsToAccuracy: number | null = null;
  let secondsToRewardGain: number | null = null;
  for (;;) {
    const s = await page.evaluate(() => {
      const pts = window.dpoPlayground?.metrics() ?? [];
      return {
        phase: window.dpoPlayground?.status().phase,
        accurate: pts.some((p) => Number(p['rewards/accuracies']) >= 0.9),
        gain: pts.some(
          (p) => p.step > 0 && Number(p['eval/reward']) > Number(p['eval/ref_reward']),
        ),
      };
    });
    const now = (Date.now() - t0) / 1000;
    if (s.accurate && secondsToAccuracy === null) secondsToAccuracy = now;
    if (s.gain && secondsToRewardGain === null) secondsToRewardGain = now;
    if (s.phase === 'done') break;
    expect(now).toBeLessThan(7 * 60);
    await page.waitForTimeout(1000);
  }
  const seconds = (Date.now() - t0) / 1000;

  const points = (await page.evaluate(() => window.dpoPlayground?.metrics())) ?? [];
  const train = points.filter((p) => typeof p.loss === 'number');
  const evals = points.filter((p) => typeof p['eval/reward'] === 'number');
  const first = train[0];
  const last = train[train.length - 1];
  const lastEval = evals[evals.length - 1];
  // π_θ = π_ref at the first step: the margins are 0 up to rounding. Not `accuracies` = 0:
  // on threaded WASM the cached reference pass (other batches) rounds differently, and a
  // margin of +1e-7 counts as a win.
  expect(Math.abs(Number(first?.['rewards/margins']))).toBeLessThan(1e-4);
  expect(first?.loss).toBeCloseTo(Math.LN2, 3);
  // Online rounds train on fresh pairs from π_θ, each seen about once, so a batch's accuracy
  // is measured on pairs not yet fitted: better than chance over the last round, not ≈ 1.
  const lastRoundStart = Math.max(
    0,
    ...points.filter((p) => typeof p.round === 'number').map((p) => p.step),
  );
  const lastRound = train.filter((p) => p.step > lastRoundStart);
  const meanOf = (key: string) =>
    lastRound.reduce((a, p) => a + Number(p[key]), 0) / Math.max(1, lastRound.length);
  expect(lastRound.length).toBeGreaterThan(0);
  expect(meanOf('rewards/accuracies')).toBeGreaterThan(0.5);
  expect(meanOf('rewards/margins')).toBeGreaterThan(0);
  // The lesson: π_θ's fresh samples score clearly above π_ref's on the held-out prompts.
  const gain = Number(lastEval?.['eval/reward']) - Number(lastEval?.['eval/ref_reward']);
  expect(gain).toBeGreaterThanOrEqual(MIN_REWARD_GAIN);
  expect(Number(lastEval?.['eval/reward'])).toBeGreaterThanOrEqual(MIN_REWARD);
  expect(Number(lastEval?.['eval/kl'])).toBeGreaterThan(0);
  expect(Number(lastEval?.['eval/kl'])).toBeLessThanOrEqual(MAX_KL);
  // Fluent samples turning positive: π_θ still writes the corpus's words.
  expect(Number(lastEval?.['eval/fluency'])).toBeGreaterThanOrEqual(MIN_FLUENCY);
  // Each online round is marked (a `round` point where it starts) and its pairs are tagged.
  const rounds = points.filter((p) => typeof p.round === 'number').map((p) => p.round);
  expect(rounds).toEqual(Array.from({ length: DEFAULT_ROUNDS }, (_, i) => i + 1));
  await expect(page.getByTestId('pairs-table').locator('th', { hasText: 'round' })).toBeVisible();

  const samples = (await page.evaluate(() => window.dpoPlayground?.samples())) ?? [];
  expect(samples.length).toBeGreaterThan(0);
  for (const s of samples) {
    expect(s.policyLogps).toHaveLength(s.tokens.length);
    expect(s.refLogps).toHaveLength(s.tokens.length);
  }
  for (const id of ['chart-loss', 'chart-rewards', 'chart-eval-reward', 'chart-eval-kl']) {
    await expect(page.getByTestId(id)).toBeVisible();
  }
  await expect(page.getByTestId('samples-panel')).toBeVisible();
  await expect(page.getByTestId('step-inspector')).toBeVisible();

  // For a look by eye: the charts with the round marks, the samples, the pairs table.
  await page.screenshot({ path: testInfo.outputPath('default-demo.png'), fullPage: true });
  const longTasks = (
    await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks)
  ).slice(longTasksBefore);
  test.info().annotations.push({
    type: 'measurements',
    description: JSON.stringify({
      secondsFromLoadToPairs: Math.round(secondsToPairs),
      secondsFromLoadToAccuracy90: secondsToAccuracy && Math.round(secondsToAccuracy),
      secondsFromLoadToRewardGain: secondsToRewardGain && Math.round(secondsToRewardGain),
      secondsFromLoadToDone: Math.round(seconds),
      model,
      modelReason,
      backend: (await app.status())?.backend,
      finalAccuracy: last?.['rewards/accuracies'],
      lastRoundAccuracy: meanOf('rewards/accuracies'),
      finalMargin: last?.['rewards/margins'],
      reward: lastEval?.['eval/reward'],
      fluency: lastEval?.['eval/fluency'],
      refFluency: lastEval?.['eval/ref_fluency'],
      refReward: lastEval?.['eval/ref_reward'],
      kl: lastEval?.['eval/kl'],
      pairsPerSecond: last?.pairs_per_second,
      longTasksWhileRunning: longTasks.length,
      longestTaskMs: Math.round(Math.max(0, ...longTasks)),
    }),
  });
  console.log('DPO demo measurements', test.info().annotations.at(-1)?.description);
  expect(app.errors).toEqual([]);
});
