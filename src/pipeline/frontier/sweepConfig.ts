/**
 * A reward–KL frontier sweep as plain, validated data (no tfjs): the shared preference data,
 * evaluation and training defaults, and one entry per algorithm run (paper Fig. 2, left).
 * `parseSweepConfig` is the one place a sweep is checked; the UI can import this module.
 */
import { z } from 'zod';
import { int, positive } from '../../util/zodFields';
import { type AlgorithmTableLike, type ResolvedFields, runBase } from '../algorithms/algorithm';
import { ALGORITHMS, type AlgorithmId } from '../algorithms/registry';
import { budgetProblems, stepsForBudget } from './budget';
import { seedStream } from './seeds';

export type FrontierAlgorithm = AlgorithmId;

/** Preference data sampled once per sweep from π_ref and shared by every run. */
const dataSchema = z.strictObject({
  /** Training prompts; K completions each, labelled by the ground-truth reward. */
  prompts: int(1).default(64),
  completionsPerPrompt: int(2).default(4),
  temperature: positive().default(1),
  maxNewTokens: int(1).default(16),
  pairing: z.enum(['all', 'best-vs-worst']).default('all'),
});

/** Held-out evaluation: fresh samples of every policy on the same prompts, one seed per replicate. */
const evalSchema = z.strictObject({
  /** ≥ 64 keeps the standard error of the mean reward near 0.01 on the built-in task. */
  prompts: int(1).default(128),
  every: int(1).default(20),
  maxNewTokens: int(1).default(16),
  temperature: positive().default(1),
  /** Samples per evaluation prompt (issue 23: 2 halves the per-prompt sampling noise). */
  samplesPerPrompt: int(1).default(1),
  /**
   * Extra evaluation steps of every trained run (PPO: iterations) besides every `every`: a few
   * updates in, so DPO's curve is measured near π_ref rather than a chord from SFT.
   */
  at: z.array(int(1)).default([]),
  /**
   * Validation prompts evaluated (one sample each) at every checkpoint beside the reported
   * ones: a run's 'best' point is chosen on them, never on the reported evaluation. 0: no
   * 'best' points.
   */
  validationPrompts: int(0).default(0),
});

/** Training defaults every run inherits unless it overrides them. */
const trainSchema = z.strictObject({
  steps: int(1).default(60),
  lr: positive().default(5e-4),
  batchSize: int(1).default(8),
  warmupSteps: int(0).default(5),
  maxGradNorm: positive().default(10),
});

type Shape<T> = T extends z.ZodRawShape ? T : never;
type RunSchemas = {
  [K in AlgorithmId]: z.ZodObject<
    Shape<{ algorithm: z.ZodLiteral<K> } & typeof runBase & (typeof ALGORITHMS)[K]['schema']>,
    z.core.$strict
  >;
};

/** The sweep schema of a table: one strict run object per entry (its literal id, the run
 * overrides, its own fields), as a union on `algorithm`. */
function sweepSchemaOf(table: AlgorithmTableLike) {
  const ids = Object.keys(table);
  const runSchemas = ids.map((id) =>
    z.strictObject({ algorithm: z.literal(id), ...runBase, ...table[id]?.schema }),
  ) as unknown as [RunSchemas[AlgorithmId], ...RunSchemas[AlgorithmId][]];
  const runSchema = z.discriminatedUnion('algorithm', runSchemas, {
    error: (issue) =>
      issue.code === 'invalid_union' ? `algorithm must be one of ${ids.join(', ')}` : undefined,
  });
  return z.strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1–64 letters, digits, ".", "_" or "-"'),
    description: z.string().optional(),
    /** SFT checkpoint (read by the Node runner); every run starts from it. */
    checkpoint: z.string().default('public/checkpoints/sft-nano.json'),
    data: dataSchema.prefault({}),
    eval: evalSchema.prefault({}),
    train: trainSchema.prefault({}),
    /**
     * Replicate (training) seeds: the whole sweep runs once per seed, each drawing its data,
     * batch order, evaluation, reward-model init and Best-of-N samples from its own streams
     * (seeds.ts); results are means ± s.e. across them (acrossSeeds.ts). ≥ 5 for reported figures.
     */
    seeds: z.array(int(0)).min(1).default([1]),
    /**
     * What every trained run may spend (budget.ts): policy gradient updates and sampled
     * completions scored by a reward. When set, runs without `steps` get theirs from it (DPO and
     * the supervised baselines: `updates` steps; PPO: samples / ppo.batchSize iterations) and a
     * run that spends another budget is refused.
     */
    budget: z.strictObject({ updates: int(1), samples: int(1) }).optional(),
    runs: z.array(runSchema).min(1, 'must list at least one run'),
  });
}

const sweepSchema = sweepSchemaOf(ALGORITHMS);

export type SweepInput = z.input<typeof sweepSchema>;
export type SweepConfig = z.output<typeof sweepSchema>;
/** One run as written in the sweep, defaults applied: a union on `algorithm`. */
type FrontierRunConfig = SweepConfig['runs'][number];
/** A run with its id, label and training settings resolved against the sweep's defaults. */
export type ResolvedRun = FrontierRunConfig & ResolvedFields;

/**
 * Validates a parsed JSON sweep; throws an Error listing every problem by its path. `algorithms`
 * extends what a run may name (default: the registry's).
 */
export function parseSweepConfig(
  json: unknown,
  algorithms: AlgorithmTableLike = ALGORITHMS,
): SweepConfig {
  const schema = algorithms === ALGORITHMS ? sweepSchema : sweepSchemaOf(algorithms);
  const r = (schema as typeof sweepSchema).safeParse(json);
  if (!r.success) {
    const lines = r.error.issues.map((i) => {
      const path = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`));
      return `  ${path.join('').replace(/^\./, '') || '(root)'}: ${i.message}`;
    });
    throw new Error(`invalid sweep config:\n${lines.join('\n')}`);
  }
  // Duplicate ids are a config error too.
  const runs = resolveRuns(r.data, undefined, algorithms);
  const problems = r.data.budget ? budgetProblems(runs, r.data.data, r.data.budget) : [];
  // PPO and PPO-GT see one reward scale (the ground truth is z-scored like the learned RM).
  const scales = new Set(runs.flatMap((run) => ('ppo' in run ? [run.ppo.rewardScale] : [])));
  if (scales.size > 1)
    problems.push(`ppo.rewardScale differs between runs: ${[...scales].join(', ')}`);
  if (problems.length > 0) {
    throw new Error(
      `invalid sweep config: every trained run must use the sweep's budget${r.data.budget ? ` (${r.data.budget.updates} updates, ${r.data.budget.samples} samples)` : ''} and PPO one reward scale:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
  return r.data;
}

function defaultNames(
  run: FrontierRunConfig,
  algorithms: AlgorithmTableLike,
): { id: string; label: string } {
  // Each entry names runs of its own type; the union on `algorithm` narrows to it.
  const names = algorithms[run.algorithm]?.names as (r: FrontierRunConfig) => {
    id: string;
    label: string;
  };
  return names(run);
}

/**
 * Ids (derived ones made unique with -2, -3, ...), labels, and the merged training settings;
 * a run's batch order comes from `orderSeed` (the replicate's 'order' stream) unless it sets
 * its own `seed`.
 */
export function resolveRuns(
  sweep: SweepConfig,
  orderSeed = seedStream(sweep.seeds[0] ?? 1, 'order'),
  algorithms: AlgorithmTableLike = ALGORITHMS,
): ResolvedRun[] {
  const explicit = new Set<string>();
  for (const r of sweep.runs) {
    if (r.id === undefined) continue;
    if (explicit.has(r.id))
      throw new Error(`invalid sweep config:\n  runs: duplicate id "${r.id}"`);
    explicit.add(r.id);
  }
  const used = new Set(explicit);
  return sweep.runs.map((run) => {
    const names = defaultNames(run, algorithms);
    let id = run.id ?? names.id;
    if (run.id === undefined) {
      for (let k = 2; used.has(id); k++) id = `${names.id}-${k}`;
    }
    used.add(id);
    const t = sweep.train;
    const labelled = withEqualLabels(run, sweep);
    const fromBudget = sweep.budget
      ? stepsForBudget(
          {
            algorithm: run.algorithm,
            ...('ppo' in run ? { ppo: run.ppo } : {}),
          },
          sweep.budget,
        )
      : undefined;
    return {
      ...labelled,
      id,
      label: run.label ?? names.label,
      train: {
        ...t,
        steps: run.steps ?? fromBudget ?? t.steps,
        lr: run.lr ?? t.lr,
        batchSize: run.batchSize ?? t.batchSize,
        seed: run.seed ?? orderSeed,
      },
      evalEvery: run.evalEvery ?? sweep.eval.every,
    };
  });
}

/**
 * A run whose reward model asks for equal labels gets the steps that show it as many labelled
 * pairs as DPO sees: ⌈budget.updates · train.batchSize / rewardModel.batchSize⌉ (no budget:
 * train.steps in place of budget.updates).
 */
function withEqualLabels<R extends FrontierRunConfig>(run: R, sweep: SweepConfig): R {
  if (!('rewardModel' in run) || !run.rewardModel.equalLabels) return run;
  const pairs = (sweep.budget?.updates ?? sweep.train.steps) * sweep.train.batchSize;
  const steps = Math.ceil(pairs / run.rewardModel.batchSize);
  return { ...run, rewardModel: { ...run.rewardModel, steps } };
}
