/**
 * What an algorithm module is (one per file beside this one): its registry entry as plain
 * data, and for a trained algorithm a trainer factory that loads the tfjs code on demand, so
 * the UI can import every entry without tfjs. Also what a sweep hands a factory.
 */
import { z } from 'zod';
import type { GPT } from '../../model/gpt';
import type { NamedCpuTensor } from '../../model/weights';
import type { BpeTokenizer } from '../../tokenizer/bpe';
import { int, positive } from '../../util/zodFields';
import type { CollateOptions } from '../collate';
import type { OptimConfig } from '../optim';
import type { PreferenceData } from '../preferenceData';
import type { PairReference } from '../preferenceTrainer';
import type { TokenizedPrompt } from '../rl/rewardFunction';
import type { RewardModel } from '../rl/rewardModelTrainer';

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
  /**
   * Equal labels (issue 23): `steps` set so that the reward model sees as many labelled-pair
   * presentations as DPO (the sweep's budget.updates × train.batchSize pairs, i.e. the same
   * pairs and label passes), in place of its own `steps`. Absent: its own `steps`.
   */
  equalLabels: z.boolean().optional(),
});

type RewardModelSettings = z.output<typeof rewardModelSchema>;

/** What a sweep runs on: the tokenizer, disjoint prompt sets, the ground-truth reward. */
export interface FrontierTask {
  tokenizer: BpeTokenizer;
  /** Prompts for the preference data and for PPO's rollouts. */
  trainPrompts: string[];
  /** Held-out prompts for evaluation and Best-of-N. */
  evalPrompts: string[];
  /** Validation prompts, disjoint from both: a run's 'best' checkpoint is chosen on them. */
  validationPrompts?: string[];
  /** r*(x, y) of a completion given its prompt text. */
  reward: (completion: string, prompt: string) => number;
}

/** The sweep's pairs (one PreferenceData, as the playground's) with what its runs share. */
export interface SweepData extends PreferenceData {
  /** The training prompts, tokenized: PPO's rollouts. */
  prompts: TokenizedPrompt[];
  /** π_ref's summed log-probs of each pair's completions. */
  reference: PairReference[];
  collate: CollateOptions;
}

/** What the runs of one sweep share. */
export interface SweepContext {
  sft: GPT;
  /** The frozen SFT model, π_ref. */
  reference: GPT;
  task: FrontierTask;
  data: SweepData;
  /** The Bradley–Terry reward model of these settings, trained once per sweep. */
  rewardModel(settings: RewardModelSettings, runId: string): Promise<RewardModel>;
  /** How the sweep samples training completions: PPO's rollouts use the same. */
  generation: { maxNewTokens: number; temperature: number };
  /** The sweep's preference-data settings: online DPO samples its later rounds with them. */
  sampling?: {
    prompts: number;
    completionsPerPrompt: number;
    temperature: number;
    maxNewTokens: number;
    pairing: 'all' | 'best-vs-worst';
  };
}

/** A run's training settings: the sweep's defaults, its overrides, its batch-order seed. */
interface RunTraining {
  steps: number;
  lr: number;
  batchSize: number;
  warmupSteps: number;
  maxGradNorm: number;
  seed: number;
}

/** What resolving a run against its sweep adds (sweepConfig.resolveRuns). */
export interface ResolvedFields {
  id: string;
  label: string;
  train: RunTraining;
  evalEvery: number;
}

/** A resolved run of an algorithm whose own fields are `S`. */
type RunOf<S extends z.ZodRawShape> = z.output<z.ZodObject<S>> & ResolvedFields;

/** A policy's trainer: one step (PPO: one iteration) per call, metrics when `log` is set. */
export interface AlgorithmTrainer {
  trainStep(log: boolean): Promise<Record<string, number> | null>;
  /** Frees the optimiser state (not the policy). */
  dispose(): void;
}

/** What the playground also needs of one (checkpoints, resume, a live learning rate). */
export interface PlaygroundTrainer extends AlgorithmTrainer {
  readonly step: number;
  optimizerState(): Promise<NamedCpuTensor[]>;
  restore(step: number, optimizer: NamedCpuTensor[]): Promise<void>;
  setLearningRate(lr: number): void;
}

/**
 * How a run is evaluated: 'reference' (the SFT model: its step-0 point only), 'trained'
 * (stepped by its module's trainer, evaluated on a schedule), 'reranked' (samples of π_ref
 * reranked, one point per N).
 */
export type AlgorithmKind = 'reference' | 'trained' | 'reranked';

/** Builds a run's trainer for `policy` (a copy of the SFT model it updates in place). */
type TrainerFactory<S extends z.ZodRawShape> = (
  run: RunOf<S>,
  ctx: SweepContext,
  policy: GPT,
) => Promise<AlgorithmTrainer>;

export interface AlgorithmEntry<
  Id extends string,
  S extends z.ZodRawShape,
  K extends AlgorithmKind,
> {
  /** The run's `algorithm` in a sweep config; named here only (see registry.ts). */
  id: Id;
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
  /** Kind 'trained' only: its trainer. Factories `await import` it: the UI imports entries. */
  trainer: K extends 'trained' ? TrainerFactory<S> : null;
  /**
   * What its playground runs read beyond the steps, learning rate, seed, data and evaluation
   * every run has: the run controls show a setting whose `usedBy` names one of these. Absent:
   * none of them.
   */
  reads?: readonly PlaygroundTrait[];
  /** Sequences of each pair a training step runs through π_θ (compute counts; default 2). */
  sequencesPerPair?: number;
  /**
   * The TRL job (pipeline/frontier/trlJob.ts): 'reference' (the SFT model's point),
   * 'dpo-trainer' (the loss row's TRL trainer and loss type, online rounds in job.py),
   * 'sft-trainer' (TRL's SFTTrainer on the chosen completions, completion-only loss), or why it
   * is not run there. Absent: not wired to TRL.
   */
  trl?: 'reference' | 'dpo-trainer' | 'sft-trainer' | { notRun: string };
}

/**
 * Parts of the playground's run settings that not every algorithm reads: the preference loss
 * (objective, β and its hyperparameters), batches of pairs, the labels (label noise), online
 * rounds, the TR-DPO reference refresh, the choice of optimiser.
 */
export type PlaygroundTrait =
  | 'preference-loss'
  | 'pair-batches'
  | 'labels'
  | 'online-rounds'
  | 'reference-refresh'
  | 'optimiser-choice';

/** Infers an entry's id literal and its run type from its own schema. */
export const algorithm = <Id extends string, S extends z.ZodRawShape, K extends AlgorithmKind>(
  e: AlgorithmEntry<Id, S, K>,
) => e;

/** Adam with the run's rate, warm-up and clip. */
export function optimOf(run: ResolvedFields): OptimConfig {
  const t = run.train;
  return { kind: 'adam', lr: t.lr, warmupSteps: t.warmupSteps, maxGradNorm: t.maxGradNorm };
}

/** Any entry, for code that takes a table of them (an extended registry in a test or script). */
interface AnyAlgorithm {
  id: string;
  kind: AlgorithmKind;
  schema: z.ZodRawShape;
  names(run: never): { id: string; label: string };
  trainer: ((run: never, ctx: SweepContext, policy: GPT) => Promise<AlgorithmTrainer>) | null;
}

/** Algorithms by id: the registry's ALGORITHMS, or one extended with more modules. */
export type AlgorithmTableLike = Readonly<Record<string, AnyAlgorithm>>;
