import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { seedBands } from '../../pipeline/frontier/acrossSeeds';
import type { FrontierPoint, RunSummary } from '../../pipeline/frontier/points';
import type { SweepView } from '../store';
import { FrontierPanel, frontierSeries, sweepFacts } from './FrontierPanel';

const pt = (runId: string, seed: number, step: number, kl: number, reward: number) =>
  ({
    runId,
    algorithm: runId === 'sft' ? 'sft' : 'dpo',
    label: runId,
    seed,
    step,
    kl,
    klStderr: 0.1,
    klKind: 'exact',
    reward,
    rewardStderr: 0.01,
    samples: 64,
  }) satisfies FrontierPoint;

const summary = (over: Partial<RunSummary>): RunSummary => ({
  runId: 'dpo',
  algorithm: 'dpo',
  label: 'DPO',
  config: {},
  final: null,
  best: null,
  points: 3,
  seconds: 10,
  ...over,
});

const view = (points: FrontierPoint[], runs: SweepView['runs'] = []): SweepView => ({
  state: 'done',
  name: 'test',
  progress: null,
  index: 0,
  count: 1,
  runs,
  points,
});

const render = (sweep: SweepView) =>
  renderToStaticMarkup(
    createElement(FrontierPanel, {
      sweep,
      disabled: false,
      onStart: () => {},
      onStop: () => {},
      onRemove: () => {},
    }),
  );

describe('FrontierPanel', () => {
  it('shows means across seeds with ± s.e. bands when points come from several seeds', () => {
    const points = [1, 2, 3].flatMap((s) => [
      pt('dpo', s, 0, 0, 0.5),
      pt('dpo', s, 10, 1 + s / 10, 0.55 + s / 100),
      pt('dpo', s, 20, 2 + s / 10, 0.6 + s / 100),
    ]);
    const html = render(view(points));
    expect(html).toContain('data-seeds="3"');
    expect(html).toContain('means across 3 training seeds');
    // recharts draws nothing in static markup: the band data is checked on its own.
    const [dpo] = frontierSeries(seedBands(points), new Set());
    expect(dpo?.rows.map((r) => r.seeds)).toEqual([3, 3, 3]);
    // Step 20: rewards 0.61, 0.62, 0.63 → mean 0.62, s.e. 0.01/√3.
    const se = 0.01 / Math.sqrt(3);
    expect(dpo?.rows[2]?.band[0]).toBeCloseTo(0.62 - se, 12);
    expect(dpo?.rows[2]?.band[1]).toBeCloseTo(0.62 + se, 12);
    expect(dpo?.bandRows.map((r) => r.x)).toEqual(
      [...(dpo?.bandRows.map((r) => r.x) ?? [])].sort((a, b) => a - b),
    );
    expect(frontierSeries(seedBands(points), new Set(['dpo']))).toEqual([]);
  });

  it('draws no band for a single seed', () => {
    const html = render(view([pt('dpo', 1, 0, 0, 0.5), pt('dpo', 1, 10, 1, 0.6)]));
    expect(html).toContain('data-seeds="1"');
    expect(html).not.toContain('recharts-area-area');
  });
});

describe('sweepFacts', () => {
  it('states the budget and both held-out accuracies', () => {
    const budget = { updates: 160, samples: 640 };
    const f = sweepFacts([
      { summary: summary({ budget: { ...budget, epochs: 2 } }) },
      {
        summary: summary({
          budget: { ...budget, epochs: 3 },
          heldOutAccuracy: { kind: 'implicit', accuracy: 0.7, pairs: 900 },
        }),
      },
      {
        summary: summary({
          budget,
          heldOutAccuracy: { kind: 'reward-model', accuracy: 0.81, pairs: 900 },
        }),
      },
      { summary: null },
    ]);
    expect(f.budget).toBe(
      'Budget per trained run: 160 policy updates, 640 samples scored by a reward (DPO and the supervised baselines: 2.5 epochs over the pairs).',
    );
    expect(f.accuracy).toContain('reward model 0.810 (900 pairs)');
    expect(f.accuracy).toContain('β·log π_θ/π_ref 0.700 (900 pairs)');
    expect(
      sweepFacts([
        { summary: summary({ budget: { updates: 1, samples: 2 } }) },
        { summary: summary({ budget }) },
      ]).budget,
    ).toMatch(/differ/);
  });
});
