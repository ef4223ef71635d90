import { expect, test } from '@playwright/test';
import { Playground } from './playground';

// The default demo end to end on WebGPU (SwiftShader here): sample pairs from π_ref, train
// DPO on the nano checkpoint, evaluate. Long: a CPU emulates the GPU.
test.setTimeout(15 * 60_000);

test('the default DPO demo learns the preferences and raises the ground-truth reward', async ({
  page,
}) => {
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
  expect((await app.status())?.backend).toBe('webgpu');
  await expect(page.getByTestId('checkpoint-info')).toBeVisible();

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
    expect(now).toBeLessThan(14 * 60);
    await page.waitForTimeout(1000);
  }
  const seconds = (Date.now() - t0) / 1000;

  const points = (await page.evaluate(() => window.dpoPlayground?.metrics())) ?? [];
  const train = points.filter((p) => typeof p.loss === 'number');
  const evals = points.filter((p) => typeof p['eval/reward'] === 'number');
  const first = train[0];
  const last = train[train.length - 1];
  const lastEval = evals[evals.length - 1];
  expect(first?.['rewards/accuracies']).toBe(0);
  expect(first?.loss).toBeCloseTo(Math.LN2, 3);
  expect(Number(last?.['rewards/accuracies'])).toBeGreaterThanOrEqual(0.9);
  expect(Number(last?.['rewards/margins'])).toBeGreaterThan(0);
  expect(Number(lastEval?.['eval/reward'])).toBeGreaterThan(Number(lastEval?.['eval/ref_reward']));
  expect(Number(lastEval?.['eval/kl'])).toBeGreaterThan(0);

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
      finalAccuracy: last?.['rewards/accuracies'],
      finalMargin: last?.['rewards/margins'],
      reward: lastEval?.['eval/reward'],
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
