/**
 * The training budget of a sweep, and each run's use of it. Every trained algorithm gets the
 * same two numbers (issue 15):
 *
 *   updates = policy gradient updates (optimizer steps on π_θ);
 *   samples = completions sampled for training and scored by a reward (the reward queries).
 *
 * DPO, Preferred-FT, Unlikelihood: updates = steps; samples = data.prompts × K, the π_ref
 *   completions labelled by r* (the pairs are all the data's pairs; steps beyond one epoch
 *   revisit them: epochs = steps · batch / pairs).
 * PPO-GT: updates = iterations · ppoEpochs · ⌈batch / miniBatch⌉; samples = iterations · batch,
 *   π_θ's rollouts scored by r*.
 * PPO: the same, the rollouts scored by the reward model, which learns from the sweep's own
 *   labelled samples (the same data.prompts × K as DPO).
 * SFT and Best-of-N train no policy: outside the budget (Best-of-N spends N samples per test
 *   prompt at inference, and is drawn as such).
 * Pure (no tfjs): the config validates with it and the runner reports it; which algorithms
 * train comes from the registry, so a new baseline needs no entry here.
 */

import { ALGORITHMS } from '../algorithms/registry';

export interface SweepBudget {
  updates: number;
  samples: number;
}

/** What the accounting reads of a run (structurally a resolved frontier run). */
export interface BudgetRun {
  id: string;
  label: string;
  algorithm: string;
  train: { steps: number; batchSize: number };
  ppo?: { batchSize: number; miniBatchSize: number; ppoEpochs: number };
}

export interface BudgetData {
  prompts: number;
  completionsPerPrompt: number;
}

export interface RunBudget extends SweepBudget {
  runId: string;
  label: string;
  algorithm: string;
  /** False for SFT and Best-of-N, which train no policy. */
  counted: boolean;
}

/**
 * How a run spends the budget, read from the registry: a trained algorithm with PPO settings
 * samples its own rollouts (online); any other trained one learns from the sweep's pairs.
 */
function spending(run: Pick<BudgetRun, 'algorithm' | 'ppo'>): 'offline' | 'online' | null {
  const kinds: Record<string, { kind: string } | undefined> = ALGORITHMS;
  if (kinds[run.algorithm]?.kind !== 'trained') return null;
  return run.ppo ? 'online' : 'offline';
}

/** PPO's gradient updates per iteration: ppoEpochs passes of ⌈batch / miniBatch⌉ minibatches. */
export function ppoUpdatesPerIteration(p: NonNullable<BudgetRun['ppo']>): number {
  return p.ppoEpochs * Math.ceil(p.batchSize / p.miniBatchSize);
}

export function runBudget(run: BudgetRun, data: BudgetData): RunBudget {
  const base = { runId: run.id, label: run.label, algorithm: run.algorithm };
  const mode = spending(run);
  if (mode === 'offline') {
    const samples = data.prompts * data.completionsPerPrompt;
    return { ...base, counted: true, updates: run.train.steps, samples };
  }
  if (mode === 'online' && run.ppo) {
    const iterations = run.train.steps;
    return {
      ...base,
      counted: true,
      updates: iterations * ppoUpdatesPerIteration(run.ppo),
      samples: iterations * run.ppo.batchSize,
    };
  }
  return { ...base, counted: false, updates: 0, samples: 0 };
}

/**
 * Steps each algorithm takes under `budget`: DPO and the supervised baselines as many updates
 * as the budget allows; PPO as many iterations as its samples allow. Undefined for SFT and
 * Best-of-N (no training).
 */
export function stepsForBudget(
  run: Pick<BudgetRun, 'algorithm' | 'ppo'>,
  budget: SweepBudget,
): number | undefined {
  const mode = spending(run);
  if (mode === 'offline') return budget.updates;
  if (mode === 'online' && run.ppo) return Math.floor(budget.samples / run.ppo.batchSize);
  return undefined;
}

/**
 * Problems, one line each, when a trained run's use differs from the budget: empty when every
 * trained run uses exactly `budget`. The data's samples are fixed by `data`; a run cannot
 * change them, so a data size off the budget is reported once.
 */
export function budgetProblems(
  runs: readonly BudgetRun[],
  data: BudgetData,
  budget: SweepBudget,
): string[] {
  const problems: string[] = [];
  const dataSamples = data.prompts * data.completionsPerPrompt;
  const hasOffline = runs.some((r) => spending(r) === 'offline');
  if (hasOffline && dataSamples !== budget.samples) {
    problems.push(
      `data: ${data.prompts} prompts × ${data.completionsPerPrompt} completions = ${dataSamples} samples, the budget is ${budget.samples}`,
    );
  }
  for (const run of runs) {
    const b = runBudget(run, data);
    if (!b.counted) continue;
    if (b.updates !== budget.updates) {
      problems.push(
        `${run.id}: ${b.updates} gradient updates, the budget is ${budget.updates}` +
          (run.ppo
            ? ` (${run.train.steps} iterations × ${ppoUpdatesPerIteration(run.ppo)} updates each)`
            : ''),
      );
    }
    if (spending(run) === 'online' && b.samples !== budget.samples) {
      problems.push(
        `${run.id}: ${b.samples} samples (${run.train.steps} iterations × ${run.ppo?.batchSize} rollouts), the budget is ${budget.samples}`,
      );
    }
  }
  return problems;
}

/** Epochs over the pairs that `steps` updates of `batchSize` pairs make. */
export function epochsOf(steps: number, batchSize: number, pairs: number): number {
  return pairs > 0 ? (steps * batchSize) / pairs : Number.NaN;
}
