import { describe, expect, it } from 'vitest';
import { frontierPoint, runSummary } from '../../test/frontier';
import { budgetLine, seedReport, seedReportMarkdown } from './report';

const pt = (runId: string, seed: number, step: number, kl: number, reward: number) =>
  frontierPoint(runId, seed, step, kl, reward, { label: runId.toUpperCase() });

const summary = (runId: string, seed: number, acc: number) =>
  runSummary({
    runId,
    points: 2,
    seed,
    budget: { updates: 160, samples: 640, ...(runId === 'dpo' ? { epochs: 2.5 } : {}) },
    heldOutAccuracy: {
      kind: runId === 'dpo' ? 'implicit' : 'reward-model',
      accuracy: acc,
      pairs: 500,
    },
  });

describe('seedReport', () => {
  const seeds = [1, 2, 3];
  const points = seeds.flatMap((s) => [
    pt('dpo', s, 0, 0, 0.5),
    pt('dpo', s, 10, 2, 0.6 + s / 100),
    pt('ppo', s, 0, 0, 0.5),
    pt('ppo', s, 10, 2, 0.58),
  ]);
  const summaries = seeds.flatMap((s) => [
    summary('dpo', s, 0.6 + s / 100),
    summary('ppo', s, 0.8),
  ]);
  const report = seedReport(points, summaries, (id) => id === 'dpo');

  it('aggregates each run across seeds, with its accuracy', () => {
    const dpo = report.runs.find((r) => r.runId === 'dpo');
    expect(dpo?.seeds).toBe(3);
    expect(dpo?.final?.reward).toBeCloseTo(0.62, 12); // 0.61, 0.62, 0.63
    expect(dpo?.final?.rewardStderr).toBeCloseTo(0.01 / Math.sqrt(3), 12);
    expect(dpo?.accuracy).toMatchObject({ kind: 'implicit', pairs: 500 });
    expect(dpo?.accuracy?.mean).toBeCloseTo(0.62, 12);
    expect(dpo?.seconds).toBe(30);
    // PPO at KL 2: DPO 0.61, 0.62, 0.63 against 0.58 → +0.04 ± 0.0058.
    expect(report.matchedKl).toHaveLength(1);
    expect(report.matchedKl[0]?.delta).toBeCloseTo(0.04, 12);
  });

  it('writes the budget, the accuracies and the interval table', () => {
    const md = seedReportMarkdown('t', report, { updates: 160, samples: 640 });
    expect(md).toContain('mean ± standard error across 3 training seeds');
    expect(md).toContain('160 policy gradient updates and 640 sampled completions');
    expect(md).toContain('2.5–2.5 epochs');
    expect(md).toContain('- reward model (PPO): 0.800 ± 0.000 over 3 seeds, 500 test pairs');
    expect(md).toContain('| DPO | dpo | 3 | 10 | 2.00 ± 0.00 | 0.620 ± 0.006 |');
    expect(md).toContain('| PPO | final (step 10) | 3 | 2.00 | 0.580 | 0.620 | +0.040 ± 0.006 |');
    expect(budgetLine(undefined, [])).toMatch(/No budget/);
  });
});
