/**
 * A reward–KL frontier sweep as plain, validated data (no tfjs): the shared preference data,
 * evaluation and training defaults, and one entry per algorithm run (paper Fig. 2, left).
 * `parseSweepConfig` is the one place a sweep is checked; the UI can import this module.
 */
import { z } from 'zod';
import type { PreferenceLossType } from '../../objectives/lossConfig';

export const FRONTIER_ALGORITHMS = [
  'sft',
  'dpo',
  'preferred-ft',
  'unlikelihood',
  'best-of-n',
  'ppo',
  'ppo-gt',
] as const;

export type FrontierAlgorithm = (typeof FRONTIER_ALGORITHMS)[number];

const LOSS_TYPES = [
  'sigmoid',
  'cdpo',
  'robust',
  'ipo',
  'hinge',
  'rpo',
  'simpo',
  'orpo',
] as const satisfies readonly PreferenceLossType[];

const int = (min: number) => z.number().int(`must be an integer`).min(min, `must be ≥ ${min}`);
const positive = () => z.number().positive('must be > 0');

/** Preference data sampled once per sweep from π_ref and shared by every run. */
const dataSchema = z.strictObject({
  /** Training prompts; K completions each, labelled by the ground-truth reward. */
  prompts: int(1).default(64),
  completionsPerPrompt: int(2).default(4),
  temperature: positive().default(1),
  maxNewTokens: int(1).default(16),
  pairing: z.enum(['all', 'best-vs-worst']).default('all'),
  seed: int(1).default(1),
});

/** Held-out evaluation: fresh samples of every policy on the same prompts and seed. */
const evalSchema = z.strictObject({
  /** ≥ 64 keeps the standard error of the mean reward near 0.01 on the built-in task. */
  prompts: int(1).default(128),
  every: int(1).default(20),
  maxNewTokens: int(1).default(16),
  temperature: positive().default(1),
  seed: int(1).default(1),
});

/** Training defaults every run inherits unless it overrides them. */
const trainSchema = z.strictObject({
  steps: int(1).default(60),
  lr: positive().default(5e-4),
  batchSize: int(1).default(8),
  warmupSteps: int(0).default(5),
  maxGradNorm: positive().default(10),
  seed: int(1).default(1),
});

/** What any run may override. */
const runBase = {
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

const rewardModelSchema = z.strictObject({
  steps: int(1).default(150),
  lr: positive().default(1e-3),
  batchSize: int(1).default(8),
});

/** PPO's own knobs (TRL names); the run's lr and steps (iterations) come from runBase. */
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
  /** Multiplies the reward PPO sees (the ground truth lies in (0, 1); the learned RM is z-scored). */
  rewardScale: positive().default(1),
});

const runSchema = z.discriminatedUnion(
  'algorithm',
  [
    z.strictObject({ algorithm: z.literal('sft'), ...runBase }),
    z.strictObject({
      algorithm: z.literal('dpo'),
      ...runBase,
      loss: z.enum(LOSS_TYPES).default('sigmoid'),
      beta: positive().default(0.1),
      labelSmoothing: z.number().min(0).max(0.49, 'must be < 0.5').default(0),
      rpoAlpha: z.number().min(0, 'must be ≥ 0').default(1),
      simpoGamma: z.number().default(0.5),
      reduction: z.enum(['sum', 'mean']).default('sum'),
    }),
    z.strictObject({ algorithm: z.literal('preferred-ft'), ...runBase }),
    z.strictObject({
      algorithm: z.literal('unlikelihood'),
      ...runBase,
      /** Weight of the rejected completion's unlikelihood term. */
      alpha: z.number().min(0, 'must be ≥ 0').default(1),
    }),
    z.strictObject({
      algorithm: z.literal('best-of-n'),
      ...runBase,
      n: z.array(int(1)).min(1, 'must list at least one N').default([1, 2, 4, 8, 16]),
      /** Ranks the N samples: the reward model learned from the pairs (paper) or r*. */
      select: z.enum(['reward-model', 'ground-truth']).default('reward-model'),
      rewardModel: rewardModelSchema.prefault({}),
    }),
    z.strictObject({
      algorithm: z.literal('ppo'),
      ...runBase,
      ppo: ppoSchema.prefault({}),
      rewardModel: rewardModelSchema.prefault({}),
    }),
    z.strictObject({ algorithm: z.literal('ppo-gt'), ...runBase, ppo: ppoSchema.prefault({}) }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `algorithm must be one of ${FRONTIER_ALGORITHMS.join(', ')}`
        : undefined,
  },
);

export const sweepSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1–64 letters, digits, ".", "_" or "-"'),
  description: z.string().optional(),
  /** SFT checkpoint (read by the Node runner); every run starts from it. */
  checkpoint: z.string().default('public/checkpoints/sft-nano.json'),
  data: dataSchema.prefault({}),
  eval: evalSchema.prefault({}),
  train: trainSchema.prefault({}),
  runs: z.array(runSchema).min(1, 'must list at least one run'),
});

export type SweepInput = z.input<typeof sweepSchema>;
export type SweepConfig = z.output<typeof sweepSchema>;
/** One run as written in the sweep, defaults applied: a union on `algorithm`. */
export type FrontierRunConfig = SweepConfig['runs'][number];
export type RewardModelSettings = z.output<typeof rewardModelSchema>;
export type PpoSettings = z.output<typeof ppoSchema>;
export type TrainSettings = SweepConfig['train'];

/** A run with its id, label and training settings resolved against the sweep's defaults. */
export type ResolvedRun = FrontierRunConfig & {
  id: string;
  label: string;
  train: TrainSettings;
  evalEvery: number;
};

/** Validates a parsed JSON sweep; throws an Error listing every problem by its path. */
export function parseSweepConfig(json: unknown): SweepConfig {
  const r = sweepSchema.safeParse(json);
  if (!r.success) {
    const lines = r.error.issues.map((i) => {
      const path = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`));
      return `  ${path.join('').replace(/^\./, '') || '(root)'}: ${i.message}`;
    });
    throw new Error(`invalid sweep config:\n${lines.join('\n')}`);
  }
  resolveRuns(r.data); // duplicate ids are a config error too
  return r.data;
}

const LOSS_NAMES: Record<PreferenceLossType, string> = {
  sigmoid: 'DPO',
  cdpo: 'cDPO',
  robust: 'rDPO',
  ipo: 'IPO',
  hinge: 'SLiC',
  rpo: 'RPO',
  simpo: 'SimPO',
  orpo: 'ORPO',
};

function defaultNames(run: FrontierRunConfig): { id: string; label: string } {
  switch (run.algorithm) {
    case 'sft':
      return { id: 'sft', label: 'SFT' };
    case 'dpo':
      return {
        id: `${run.loss === 'sigmoid' ? 'dpo' : run.loss}-beta${run.beta}`,
        label: `${LOSS_NAMES[run.loss]} β=${run.beta}`,
      };
    case 'preferred-ft':
      return { id: 'preferred-ft', label: 'Preferred-FT' };
    case 'unlikelihood':
      return { id: `unlikelihood-alpha${run.alpha}`, label: `Unlikelihood α=${run.alpha}` };
    case 'best-of-n':
      return {
        id: run.select === 'ground-truth' ? 'best-of-n-oracle' : 'best-of-n',
        label: `Best-of-N${run.select === 'ground-truth' ? ' (oracle)' : ''}`,
      };
    case 'ppo':
      return { id: 'ppo', label: 'PPO' };
    case 'ppo-gt':
      return { id: 'ppo-gt', label: 'PPO-GT' };
  }
}

/** Ids (derived ones made unique with -2, -3, ...), labels, and the merged training settings. */
export function resolveRuns(sweep: SweepConfig): ResolvedRun[] {
  const explicit = new Set<string>();
  for (const r of sweep.runs) {
    if (r.id === undefined) continue;
    if (explicit.has(r.id))
      throw new Error(`invalid sweep config:\n  runs: duplicate id "${r.id}"`);
    explicit.add(r.id);
  }
  const used = new Set(explicit);
  return sweep.runs.map((run) => {
    const names = defaultNames(run);
    let id = run.id ?? names.id;
    if (run.id === undefined) {
      for (let k = 2; used.has(id); k++) id = `${names.id}-${k}`;
    }
    used.add(id);
    const t = sweep.train;
    return {
      ...run,
      id,
      label: run.label ?? names.label,
      train: {
        ...t,
        steps: run.steps ?? t.steps,
        lr: run.lr ?? t.lr,
        batchSize: run.batchSize ?? t.batchSize,
        seed: run.seed ?? t.seed,
      },
      evalEvery: run.evalEvery ?? sweep.eval.every,
    };
  });
}
