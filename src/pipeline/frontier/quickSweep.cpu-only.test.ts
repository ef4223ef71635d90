import { describe, expect, it } from 'vitest';
import { sweepFacts } from '../../ui/panels/frontierFacts';
import { runBudget } from './budget';
import { buildSweep, K, OFFERED, QUICK_PRESET } from './quickSweep';
import { parseSweepConfig, resolveRuns } from './sweepConfig';

const quick = () =>
  buildSweep({
    on: Object.fromEntries(OFFERED.map((id) => [id, true])),
    betas: QUICK_PRESET.betas.split(',').map(Number),
    steps: QUICK_PRESET.updates,
    prompts: QUICK_PRESET.prompts,
    evalPrompts: QUICK_PRESET.evalPrompts,
    evalEvery: QUICK_PRESET.evalEvery,
    seeds: QUICK_PRESET.seeds,
  });

describe('the browser’s quick like-for-like sweep', () => {
  it('has ≥ 2 seeds and every trained run on one budget (validated), so no mismatch is reported', () => {
    const sweep = parseSweepConfig(quick()); // throws on a budget mismatch
    expect(sweep.seeds.length).toBeGreaterThanOrEqual(2);
    expect(sweep.budget).toEqual({
      updates: QUICK_PRESET.updates,
      samples: QUICK_PRESET.prompts * K,
    });
    const runs = resolveRuns(sweep);
    const summaries = runs.map((r) => {
      const b = runBudget(r, sweep.data);
      return {
        runId: r.id,
        algorithm: r.algorithm,
        label: r.label,
        config: null,
        final: null,
        best: null,
        points: 0,
        seconds: 0,
        ...(b.counted ? { budget: { updates: b.updates, samples: b.samples } } : {}),
      };
    });
    expect(summaries.filter((s) => s.budget).length).toBeGreaterThanOrEqual(5);
    const facts = sweepFacts([{ summaries }]);
    expect(facts.budget).toMatch(/^Budget per trained run: 32 policy updates, 128 samples/);
    expect(facts.budget).not.toMatch(/differ between runs/);
  });

  it('evaluates DPO a few updates in, and chooses best points on validation prompts', () => {
    const { eval: e } = parseSweepConfig(quick());
    expect(e.at).toEqual([2, 4]);
    expect(e.validationPrompts).toBeGreaterThan(0);
  });
});
