import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { seedBands } from '../../pipeline/frontier/acrossSeeds';
import type { FrontierPoint } from '../../pipeline/frontier/points';
import { frontierPoint as pt, runSummary as summary } from '../../test/frontier';
import type { SweepView } from '../store';
import { INITIAL_STATE, reduce, type UiAction, type UiState } from '../store';
import { frontierSeries } from './FrontierChart';
import { FrontierPanel } from './FrontierPanel';
import { resolvedSentence, sweepFacts, sweepProgress } from './frontierFacts';

const view = (points: FrontierPoint[], runs: SweepView['runs'] = []): SweepView => ({
  state: 'done',
  name: 'test',
  progress: null,
  index: 0,
  count: 1,
  seed: null,
  runDone: 0,
  runs,
  points,
});

const render = (sweep: SweepView) =>
  renderToStaticMarkup(
    createElement(FrontierPanel, {
      sweep,
      disabled: false,
      onStart: () => {},
      onExport: async () => {},
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

  it('draws no band for a single seed, but a ± s.e. bar on every point', () => {
    const html = render(view([pt('dpo', 1, 0, 0, 0.5), pt('dpo', 1, 10, 1, 0.6)]));
    expect(html).toContain('data-seeds="1"');
    expect(html).not.toContain('recharts-area-area');
    expect(html).toContain('one seed shows no seed-to-seed spread');
    const [dpo] = frontierSeries(seedBands([pt('dpo', 1, 10, 1, 0.6)]), new Set());
    expect(dpo?.rows[0]?.err).toBe(0.01); // the evaluation's s.e.
  });

  it('opens on the quick like-for-like preset: every algorithm, 2 seeds, nothing refused', () => {
    const html = render(view([]));
    expect(html).not.toContain('sweep-problem');
    expect(html).toMatch(
      /data-testid="sweep-seeds"[^>]*value="2"|value="2"[^>]*data-testid="sweep-seeds"/,
    );
    expect(html).toMatch(/data-testid="sweep-start"(?![^>]*disabled)/);
    expect(html).toContain('Every trained run spends the same budget');
  });

  it('gives every curve its own colour, two DPO β included', () => {
    const points = [
      pt('dpo-a', 1, 10, 1, 0.6, { label: 'DPO β=0.1' }),
      pt('dpo-b', 1, 10, 2, 0.6, { label: 'DPO β=1' }),
      pt('dpo-c', 1, 10, 3, 0.6, { label: 'DPO β=5' }),
      pt('ppo', 1, 10, 1, 0.6),
      pt('ppo-2', 1, 10, 1, 0.6, { algorithm: 'ppo' }),
    ];
    const colours = frontierSeries(seedBands(points), new Set()).map((s) => s.color);
    expect(new Set(colours).size).toBe(colours.length);
  });
});

describe('resolvedSentence', () => {
  const dpo = (seed: number) => [
    pt('dpo-a', seed, 0, 0, 0.5, { label: 'DPO β=0.1' }),
    pt('dpo-a', seed, 5, 0.5, 0.55, { label: 'DPO β=0.1' }),
    pt('dpo-a', seed, 10, 4, 0.7, { label: 'DPO β=0.1' }),
  ];
  it('says which comparisons are resolved and which are ties, with each MDD', () => {
    const points = [1, 2, 3].flatMap((s) => [
      ...dpo(s),
      pt('preferred-ft', s, 10, 2, 0.5 + s / 100), // DPO at KL 2: 0.614: DPO above by 0.094
      pt('ppo', s, 10, 2, 0.58 + (s % 2) * 0.06), // 0.64, 0.58, 0.64: a tie
    ]);
    const text = resolvedSentence(points) ?? '';
    expect(text).toMatch(/^At matched KL across 3 seeds/);
    expect(text).toMatch(/DPO above preferred-ft \(\+0\.094, MDD 0\.0\d\d\)/);
    expect(text).toMatch(/ties at this power: ppo \(/);
  });
  it('with one seed, resolves nothing and says so', () => {
    expect(resolvedSentence([...dpo(1), pt('ppo', 1, 10, 2, 0.6)])).toMatch(/one seed/);
    expect(resolvedSentence([pt('ppo', 1, 10, 2, 0.6)])).toBeNull();
  });
});

describe('sweepFacts', () => {
  it('states the budget and, per run, each held-out accuracy (one seed: the value alone)', () => {
    const budget = { updates: 160, samples: 640 };
    const f = sweepFacts([
      { summaries: [summary({ runId: 'sft', label: 'SFT' })] },
      {
        summaries: [
          summary({
            label: 'DPO β=0.1',
            budget: { ...budget, epochs: 2 },
            heldOutAccuracy: { kind: 'implicit', accuracy: 0.7, pairs: 900 },
          }),
        ],
      },
      {
        summaries: [
          summary({
            runId: 'ppo',
            label: 'PPO',
            budget: { ...budget, epochs: 3 },
            heldOutAccuracy: { kind: 'reward-model', accuracy: 0.81, pairs: 900 },
          }),
        ],
      },
      { summaries: [] },
    ]);
    expect(f.budget).toBe(
      'Budget per trained run: 160 policy updates, 640 samples scored by a reward (DPO and the supervised baselines: 2.5 epochs over the pairs).',
    );
    expect(f.accuracy).toBe(
      'Held-out pair accuracy on 900 test-prompt pairs: reward model: PPO 0.810; DPO’s implicit reward β·log π_θ/π_ref: DPO β=0.1 0.700.',
    );
    expect(
      sweepFacts([
        { summaries: [summary({ budget: { updates: 1, samples: 2 } })] },
        { summaries: [summary({ runId: 'b', budget })] },
      ]).budget,
    ).toMatch(/differ/);
    expect(sweepFacts([{ summaries: [summary({})] }])).toEqual({ budget: null, accuracy: null });
  });
});

/** What the worker posts for a sweep of `runs` runs over `seeds` seeds (sweepController.ts). */
function sweepEvents(runs: string[], seeds: number[]): UiAction[] {
  const ev: UiAction[] = [{ type: 'sweep-state', state: 'running', name: 's' }];
  const accuracy = { dpo: [0.7, 0.74], ppo: [0.8, 0.86] } as Record<string, number[]>;
  for (const [k, seed] of seeds.entries()) {
    ev.push({ type: 'sweep-seed', seed, index: k, count: seeds.length });
    ev.push({ type: 'sweep-progress', stage: 'sampling', done: 3, total: 8, runId: null });
    for (const [i, runId] of runs.entries()) {
      const algorithm = runId === 'ppo' ? 'ppo' : 'dpo';
      ev.push({ type: 'sweep-run-start', runId, label: runId, algorithm, index: i, count: 2 });
      for (const step of [0, 2, 4]) {
        if (step > 0) {
          ev.push({ type: 'sweep-progress', stage: 'training', done: step, total: 4, runId });
        }
        ev.push({ type: 'sweep-progress', stage: 'evaluating', done: 0, total: 1, runId });
        ev.push({
          type: 'frontier-point',
          point: pt(runId, seed, step, step / 4, 0.5 + step / 100),
        });
        ev.push({ type: 'sweep-progress', stage: 'evaluating', done: 1, total: 1, runId });
      }
      const a = accuracy[runId]?.[k] as number;
      ev.push({
        type: 'sweep-run-end',
        summary: summary({
          runId,
          algorithm,
          label: runId === 'ppo' ? 'PPO' : 'DPO β=0.1',
          seed,
          budget: { updates: 4, samples: 32 },
          heldOutAccuracy: {
            kind: runId === 'ppo' ? 'reward-model' : 'implicit',
            accuracy: a,
            pairs: 64,
          },
        }),
      });
    }
  }
  ev.push({ type: 'sweep-state', state: 'done', name: 's' });
  return ev;
}

describe('sweepProgress', () => {
  it('runs over seeds × runs and says which seed', () => {
    const v = (over: Partial<SweepView>) => ({ ...view([]), state: 'running' as const, ...over });
    // Seed 2 of 2, run 3 of 3, half its steps: (1 + (2 + 0.5) / 3) / 2 = 11/12.
    const p = sweepProgress(
      v({
        seed: { seed: 2, index: 1, count: 2 },
        index: 2,
        count: 3,
        runDone: 0.5,
        progress: { stage: 'training', done: 2, total: 4, runId: 'x' },
      }),
    );
    expect(p.fraction).toBeCloseTo(11 / 12, 12);
    expect(p.text).toBe('seed 2 of 2 · run 3/3 · training 2/4 · 91 %');
    // One seed: no seed in the text; (1 + 0.25) / 4.
    const one = sweepProgress(v({ index: 1, count: 4, runDone: 0.25 }));
    expect(one.fraction).toBeCloseTo(1.25 / 4, 12);
    expect(one.text).toBe('run 2/4 · 31 %');
    expect(sweepProgress(v({ state: 'done', index: 0, count: 3 }))).toEqual({
      fraction: 1,
      text: null,
    });
  });

  it('from the worker’s events: never stalls or goes back, reaches 100 %, keeps every seed', () => {
    let s: UiState = INITIAL_STATE;
    const seen: { fraction: number; text: string | null }[] = [];
    for (const e of sweepEvents(['dpo', 'ppo'], [1, 2])) {
      s = reduce(s, e);
      seen.push(sweepProgress(s.sweep));
    }
    const fractions = seen.map((x) => x.fraction);
    for (let i = 1; i < fractions.length; i++) {
      expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1] as number);
    }
    // Seed 2's data sampling starts at half-way; its last run ends at the top.
    const seed2 = seen.findIndex((x) => x.text?.startsWith('seed 2 of 2'));
    expect(seen[seed2]?.fraction).toBe(0.5);
    expect(seen.some((x) => x.text === 'seed 2 of 2 · run 2/2 · training 4/4 · 100 %')).toBe(true);
    expect(fractions.at(-1)).toBe(1);
    expect(s.sweep.state).toBe('done');
    // Two rows (not four), each with both seeds' summaries and points.
    expect(s.sweep.runs.map((r) => [r.runId, r.status, r.summaries.length])).toEqual([
      ['dpo', 'done', 2],
      ['ppo', 'done', 2],
    ]);
    expect(s.sweep.points.filter((p) => p.runId === 'dpo').map((p) => p.seed)).toEqual([
      1, 1, 1, 2, 2, 2,
    ]);
    // Accuracies across the two seeds: DPO 0.70, 0.74 → 0.720 ± 0.020; RM 0.80, 0.86 →
    // 0.830 ± 0.030 (s.e. = |a − b| / 2 for two values).
    const f = sweepFacts(s.sweep.runs);
    expect(f.accuracy).toBe(
      'Held-out pair accuracy on 64 test-prompt pairs, mean ± s.e. across seeds: reward model: PPO 0.830 ± 0.030 (2 seeds); DPO’s implicit reward β·log π_θ/π_ref: DPO β=0.1 0.720 ± 0.020 (2 seeds).',
    );
    expect(f.budget).toBe(
      'Budget per trained run: 4 policy updates, 32 samples scored by a reward.',
    );
    // A fresh sweep of the same ids replaces the rows and points.
    s = reduce(s, { type: 'sweep-state', state: 'running', name: 's2' });
    s = reduce(s, { type: 'sweep-seed', seed: 1, index: 0, count: 1 });
    s = reduce(s, {
      type: 'sweep-run-start',
      runId: 'dpo',
      label: 'dpo',
      algorithm: 'dpo',
      index: 0,
      count: 1,
    });
    expect(s.sweep.points.filter((p) => p.runId === 'dpo')).toEqual([]);
    expect(s.sweep.runs.find((r) => r.runId === 'dpo')?.summaries).toEqual([]);
  });
});
