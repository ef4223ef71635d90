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
 *
 * Beside the budget each run records its compute (issue 23, `runCompute`): sequences through
 * the policy, labelled-pair presentations (the reward model's training included), completions
 * sampled, and completions scored by a reward, so unequal work shows where the budget is equal.
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
  /** The learned reward model of PPO and Best-of-N. */
  rewardModel?: { steps: number; batchSize: number };
  /** Best-of-N: its Ns; 'ground-truth' ranks by r* (no reward model). */
  n?: number[];
  select?: string;
  /** Online DPO's rounds. */
  rounds?: number;
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

function sequencesPerPair(algorithm: string): number {
  const entries: Record<string, { sequencesPerPair?: number } | undefined> = ALGORITHMS;
  return entries[algorithm]?.sequencesPerPair ?? 2;
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

/** What a run did, counted (issue 23); side by side in the summary. */
export interface RunCompute {
  /** Optimizer steps on π_θ. */
  updates: number;
  /** Sequences through π_θ's forward and backward (a pair is 2; PPO: rollouts × ppoEpochs). */
  sequences: number;
  /** Labelled pairs presented to a learner: the policy's and the reward model's steps × batch. */
  labelPresentations: number;
  /** Completions sampled: the labelled data, PPO's rollouts, online rounds, Best-of-N's N. */
  generationSamples: number;
  /** Completions scored by a reward for training: r*'s labels, PPO's rollouts. */
  rewardScored: number;
  /** Why the run differs from the trained runs by design, when it does. */
  byDesign?: string;
}

/** What the compute counts read of the sweep. */
export interface ComputeSweep {
  data: BudgetData;
  /** Evaluation prompts × samples per prompt: Best-of-N draws N candidates for each. */
  evalSamples: number;
}

/**
 * A run's compute, from its resolved settings. Sequences per pair come from the registry
 * (Preferred-FT: the chosen completion alone; the others: both). The reward model's presentations
 * count for every run that learns one, since they are label use the policy's budget omits.
 */
export function runCompute(run: BudgetRun, sweep: ComputeSweep): RunCompute {
  const mode = spending(run);
  const labelled = sweep.data.prompts * sweep.data.completionsPerPrompt;
  const usesRm = run.rewardModel !== undefined && run.select !== 'ground-truth';
  const rmPairs = usesRm && run.rewardModel ? run.rewardModel.steps * run.rewardModel.batchSize : 0;
  if (mode === 'offline') {
    const rounds = Math.max(1, run.rounds ?? 1);
    const pairs = run.train.steps * run.train.batchSize;
    return {
      updates: run.train.steps,
      sequences: pairs * sequencesPerPair(run.algorithm),
      labelPresentations: pairs,
      generationSamples: rounds * labelled,
      rewardScored: rounds * labelled,
      ...(rounds > 1
        ? { byDesign: `online: ${rounds} rounds of fresh samples from π_θ, ${rounds}× the labels` }
        : {}),
    };
  }
  if (mode === 'online' && run.ppo) {
    const rollouts = run.train.steps * run.ppo.batchSize;
    return {
      updates: run.train.steps * ppoUpdatesPerIteration(run.ppo),
      sequences: rollouts * run.ppo.ppoEpochs,
      labelPresentations: rmPairs,
      generationSamples: rollouts + (usesRm ? labelled : 0),
      rewardScored: rollouts + (usesRm ? labelled : 0),
    };
  }
  if (run.n) {
    const maxN = Math.max(...run.n);
    return {
      updates: 0,
      sequences: 0,
      labelPresentations: rmPairs,
      generationSamples: maxN * sweep.evalSamples + (usesRm ? labelled : 0),
      rewardScored: maxN * sweep.evalSamples + (usesRm ? labelled : 0),
      byDesign: `reranks ${maxN} π_ref samples per test prompt at inference`,
    };
  }
  return { updates: 0, sequences: 0, labelPresentations: 0, generationSamples: 0, rewardScored: 0 };
}

/** PPO settings a sweep builder may leave open. */
interface OpenPpo {
  batchSize?: number;
  miniBatchSize?: number;
  ppoEpochs?: number;
}

/**
 * A run set to spend `budget` exactly (the browser's like-for-like sweep): a run with PPO
 * settings takes samples / batch iterations of updates / iterations epochs over one minibatch
 * of the whole batch; its own `steps` are dropped (the budget gives them). Unchanged when the
 * budget does not divide so (validation then names the run).
 */
export function fitToBudget<R extends { steps?: number; ppo?: OpenPpo }>(
  run: R,
  budget: SweepBudget,
  /** Whether the run samples its own rollouts (its algorithm has PPO settings). */
  online = run.ppo !== undefined,
): R {
  const { steps: _steps, ...rest } = run;
  if (!online) return rest as R;
  const ppo = run.ppo ?? {};
  const batch = ppo.batchSize ?? 16;
  const iterations = budget.samples / batch;
  const epochs = budget.updates / iterations;
  if (!Number.isInteger(iterations) || !Number.isInteger(epochs) || epochs < 1) return run;
  return {
    ...rest,
    ppo: { ...run.ppo, batchSize: batch, miniBatchSize: batch, ppoEpochs: epochs },
  } as R;
}
