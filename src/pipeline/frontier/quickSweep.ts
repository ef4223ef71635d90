/**
 * The browser's sweep (the frontier panel's builder), pure: what its fields queue, under the
 * headless runner's budget rule, and the quick like-for-like preset it opens with (issue 23).
 */
import { ALGORITHM_IDS, ALGORITHMS, type AlgorithmId } from '../algorithms/registry';
import { fitToBudget } from './budget';
import type { SweepInput } from './sweepConfig';

/** The algorithms the builder offers (the registry's, minus SFT: always the first point). */
export const OFFERED = ALGORITHM_IDS.filter((a) => ALGORITHMS[a].builder !== null);
/**
 * The quick like-for-like preset (issue 23): every baseline, 2 seeds, one budget for every
 * trained run (as `npm run frontier`), sized to finish within 5 minutes on a 2-core machine
 * without a GPU (measured headless: bench/frontierQuick.ts).
 */
export const QUICK_PRESET = {
  betas: '0.1, 1',
  /** Policy updates of every trained run: the budget. */
  updates: 32,
  /** Training prompts × 4 samples: the reward-scored samples of the budget. */
  prompts: 32,
  evalPrompts: 64,
  /** Validation prompts at every checkpoint: a run's 'best' is chosen on them. */
  validationPrompts: 32,
  evalEvery: 8,
  /** Early evaluations, so DPO's curve is measured a few updates in. */
  evalAt: [2, 4],
  seeds: 2,
} as const;

/** Samples per training prompt (the sweep's default K). */
export const K = 4;

/** What the builder's fields hold. */
export interface BuilderFields {
  on: Partial<Record<AlgorithmId, boolean>>;
  betas: number[];
  /** Policy updates of every trained run (the budget). */
  steps: number;
  prompts: number;
  evalPrompts: number;
  evalEvery: number;
  seeds: number;
}

/**
 * The sweep the builder queues, under the headless runner's rule: one budget (`steps` updates,
 * prompts × K reward-scored samples) for every trained run, PPO fitted to it (fitToBudget).
 */
export function buildSweep(f: BuilderFields): SweepInput {
  const budget = { updates: f.steps, samples: f.prompts * K };
  const runs: SweepInput['runs'] = [{ algorithm: 'sft' }];
  for (const a of OFFERED) {
    const run = ALGORITHMS[a].builder?.run;
    if (!f.on[a] || !run) continue;
    // An algorithm with PPO settings samples its own rollouts: fitted to the budget.
    const schema: Readonly<Record<string, unknown>> = ALGORITHMS[a].schema;
    const online = schema.ppo !== undefined;
    const queued = fitToBudget(
      { ...run, algorithm: a },
      budget,
      online,
    ) as SweepInput['runs'][number];
    // DPO: one run per β of the field.
    if (queued.algorithm === 'dpo') for (const b of f.betas) runs.push({ ...queued, beta: b });
    else runs.push(queued);
  }
  return {
    name: `sweep-${new Date().toISOString().slice(11, 19).replaceAll(':', '')}`,
    data: { prompts: f.prompts, completionsPerPrompt: K },
    eval: {
      prompts: f.evalPrompts,
      every: f.evalEvery,
      at: [...QUICK_PRESET.evalAt],
      validationPrompts: QUICK_PRESET.validationPrompts,
    },
    train: { steps: f.steps },
    budget,
    seeds: Array.from({ length: f.seeds }, (_, i) => i + 1),
    runs,
  };
}
