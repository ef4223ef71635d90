/**
 * The algorithms of a reward–KL sweep as plain data (no tfjs: the UI imports it): per id its
 * label, plot colour, the config fields of its runs (zod), how a run is named, and what the
 * sweep builder queues. The sweep config, the frontier panel and the sweep builder derive
 * from this table; `make.ts` holds the trainer of each trained algorithm.
 */
import { z } from 'zod';
import { LOSS_TYPES, PREFERENCE_LOSSES } from '../../objectives/lossConfig';
import { int, positive } from '../../util/zodFields';

/** What any run may override. */
export const runBase = {
  /** File- and URL-safe id; derived from the algorithm and its settings when absent. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1–64 letters, digits, ".", "_" or "-"')
    .optional(),
  label: z.string().min(1, 'must not be empty').max(80, 'must be ≤ 80 characters').optional(),
  steps: int(1).optional(),
  lr: positive().optional(),
  batchSize: int(1).optional(),
  seed: int(1).optional(),
  evalEvery: int(1).optional(),
};

/** The Bradley–Terry reward model of PPO and Best-of-N. */
export const rewardModelSchema = z.strictObject({
  steps: int(1).default(150),
  lr: positive().default(1e-3),
  batchSize: int(1).default(8),
  /**
   * 'pooled': the head's scalar summed over the completion's tokens (fits the task's additive
   * lexicon reward: held-out pair accuracy 0.72 against 0.54 for 'last-token' on 160 prompts ×
   * 4, 0.81 on 400 × 4); 'last-token': read at the last real token (GPT2ForSequenceClassification).
   */
  head: z.enum(['pooled', 'last-token']).default('pooled'),
});

/** PPO's own knobs (TRL names); the run's lr and steps (iterations) come from the run. */
const ppoSchema = z.strictObject({
  /** Prompts per iteration, one completion each. */
  batchSize: int(1).default(16),
  miniBatchSize: int(1).default(8),
  ppoEpochs: int(1).default(4),
  /** Adaptive KL-penalty coefficient: start value and target (nats per sequence). */
  klInit: z.number().min(0, 'must be ≥ 0').default(0.2),
  klTarget: positive().default(6),
  adaptiveKl: z.boolean().default(true),
  /** Global grad-norm clip (TRL: 1), in place of the sweep's train.maxGradNorm. */
  maxGradNorm: positive().default(1),
  /**
   * Multiplies the reward PPO sees. Both rewards are z-scored over the sweep's labelled
   * samples (the learned RM's scores and r* alike), so PPO and PPO-GT share one scale; a sweep
   * whose PPO runs set different scales is refused.
   */
  rewardScale: positive().default(1),
});

/**
 * How a run is evaluated: 'reference' (the SFT model: its step-0 point only), 'trained'
 * (stepped by its trainer in make.ts, evaluated on a schedule), 'best-of-n' (samples of π_ref
 * reranked, one point per N).
 */
type AlgorithmKind = 'reference' | 'trained' | 'best-of-n';

interface AlgorithmEntry<S extends z.ZodRawShape, K extends AlgorithmKind> {
  label: string;
  /** Any CSS colour: the frontier panel's series and swatches. */
  colour: string;
  kind: K;
  /** The config fields of its runs, beyond what every run may override. */
  schema: S;
  /** Id and label of a run that names neither. */
  names(run: z.output<z.ZodObject<S>>): { id: string; label: string };
  /** The sweep builder's checkbox and the runs it queues (DPO: one per β); null: not offered. */
  builder: {
    label: string;
    run: z.input<z.ZodObject<S>> & z.input<z.ZodObject<typeof runBase>>;
  } | null;
}

/** Infers each entry's run type from its own schema. */
const entry = <S extends z.ZodRawShape, K extends AlgorithmKind>(e: AlgorithmEntry<S, K>) => e;

export const ALGORITHMS = {
  sft: entry({
    label: 'SFT',
    colour: 'var(--text)',
    kind: 'reference',
    schema: {},
    names: () => ({ id: 'sft', label: 'SFT' }),
    builder: null,
  }),
  dpo: entry({
    label: 'DPO',
    colour: 'var(--accent)',
    kind: 'trained',
    schema: {
      loss: z.enum(LOSS_TYPES).default('sigmoid'),
      beta: positive().default(0.1),
      labelSmoothing: z.number().min(0).max(0.49, 'must be < 0.5').default(0),
      rpoAlpha: z.number().min(0, 'must be ≥ 0').default(1),
      simpoGamma: z.number().default(0.5),
      reduction: z.enum(['sum', 'mean']).default('sum'),
    },
    names: (run) => ({
      id: `${run.loss === 'sigmoid' ? 'dpo' : run.loss}-beta${run.beta}`,
      label: `${PREFERENCE_LOSSES[run.loss].short} β=${run.beta}`,
    }),
    builder: { label: 'DPO, β ∈', run: {} },
  }),
  'preferred-ft': entry({
    label: 'Preferred-FT',
    colour: '#E69F00',
    kind: 'trained',
    schema: {},
    names: () => ({ id: 'preferred-ft', label: 'Preferred-FT' }),
    builder: { label: 'Preferred-FT', run: {} },
  }),
  unlikelihood: entry({
    label: 'Unlikelihood',
    colour: '#CC79A7',
    kind: 'trained',
    schema: {
      /** Weight of the rejected completion's unlikelihood term. */
      alpha: z.number().min(0, 'must be ≥ 0').default(1),
    },
    names: (run) => ({
      id: `unlikelihood-alpha${run.alpha}`,
      label: `Unlikelihood α=${run.alpha}`,
    }),
    builder: { label: 'Unlikelihood', run: {} },
  }),
  'best-of-n': entry({
    label: 'Best-of-N',
    colour: '#009E73',
    kind: 'best-of-n',
    schema: {
      n: z.array(int(1)).min(1, 'must list at least one N').default([1, 2, 4, 8, 16]),
      /** Ranks the N samples: the reward model learned from the pairs (paper) or r*. */
      select: z.enum(['reward-model', 'ground-truth']).default('reward-model'),
      rewardModel: rewardModelSchema.prefault({}),
    },
    names: (run) => ({
      id: run.select === 'ground-truth' ? 'best-of-n-oracle' : 'best-of-n',
      label: `Best-of-N${run.select === 'ground-truth' ? ' (oracle)' : ''}`,
    }),
    builder: {
      label: 'Best-of-N (N = 1, 2, 4, 8)',
      run: { n: [1, 2, 4, 8], rewardModel: { steps: 60 } },
    },
  }),
  ppo: entry({
    label: 'PPO',
    colour: '#D55E00',
    kind: 'trained',
    schema: {
      ppo: ppoSchema.prefault({}),
      rewardModel: rewardModelSchema.prefault({}),
    },
    names: () => ({ id: 'ppo', label: 'PPO' }),
    builder: {
      label: 'PPO (learned reward model)',
      run: { steps: 10, evalEvery: 5, rewardModel: { steps: 60 } },
    },
  }),
  'ppo-gt': entry({
    label: 'PPO-GT',
    colour: '#882255',
    kind: 'trained',
    schema: { ppo: ppoSchema.prefault({}) },
    names: () => ({ id: 'ppo-gt', label: 'PPO-GT' }),
    builder: {
      label: 'PPO-GT (ground-truth reward)',
      run: { steps: 10, evalEvery: 5 },
    },
  }),
} as const;

export type AlgorithmId = keyof typeof ALGORITHMS;

/** The ids in table order. */
export const ALGORITHM_IDS = Object.keys(ALGORITHMS) as [AlgorithmId, ...AlgorithmId[]];

/** The ids of the trained algorithms (those make.ts builds a trainer for). */
export type TrainedAlgorithm = {
  [K in AlgorithmId]: (typeof ALGORITHMS)[K]['kind'] extends 'trained' ? K : never;
}[AlgorithmId];
