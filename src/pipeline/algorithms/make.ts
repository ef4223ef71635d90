/**
 * The trainer of each trained algorithm in the registry: from a resolved run and what the
 * sweep shares, a policy in training. A mapped table, so an algorithm of kind 'trained' without
 * a trainer here does not compile.
 */
import type { GPT } from '../../model/gpt';
import { DEFAULT_LOSS } from '../../objectives/lossConfig';
import { runScaledKlHorizon } from '../../objectives/ppo';
import type { FrontierTask, SweepData } from '../frontier/data';
import { PairFinetuner } from '../frontier/finetune';
import type { ResolvedRun, RewardModelSettings } from '../frontier/sweepConfig';
import type { OptimConfig } from '../optim';
import { PreferenceTrainer } from '../preferenceTrainer';
import { DEFAULT_PPO_CONFIG, type PpoConfig, PpoTrainer } from '../rl/ppoTrainer';
import { perSampleReward, type RewardFunction } from '../rl/rewardFunction';
import type { RewardModel } from '../rl/rewardModelTrainer';
import type { TrainedAlgorithm } from './registry';

/** A policy's trainer: one update (PPO: one iteration) per call, metrics when `log` is set. */
export interface AlgorithmTrainer {
  trainStep(log: boolean): Promise<Record<string, number> | null>;
  /** Frees the optimiser state (not the policy). */
  dispose(): void;
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
}

type RunOf<K> = ResolvedRun & { algorithm: K };

/** Builds the trainer of run `run` for `policy` (a copy of the SFT model it updates in place). */
export type MakeTrainer<K> = (
  run: RunOf<K>,
  ctx: SweepContext,
  policy: GPT,
) => Promise<AlgorithmTrainer>;

function optimOf(run: ResolvedRun): OptimConfig {
  const t = run.train;
  return {
    kind: 'adam',
    lr: t.lr,
    warmupSteps: t.warmupSteps,
    maxGradNorm: t.maxGradNorm,
  };
}

const pairFinetune = (
  run: RunOf<'preferred-ft' | 'unlikelihood'>,
  ctx: SweepContext,
  policy: GPT,
) => {
  const objective =
    run.algorithm === 'unlikelihood'
      ? { kind: 'unlikelihood' as const, alpha: run.alpha }
      : { kind: 'preferred-ft' as const };
  const { batchSize, seed } = run.train;
  const cfg = { objective, optim: optimOf(run), batchSize, seed };
  const trainer = new PairFinetuner(policy, ctx.data.pairs, cfg, ctx.data.collate);
  return Promise.resolve({
    trainStep: (log: boolean) => trainer.trainStep(log),
    dispose: () => trainer.dispose(),
  });
};

async function ppo(run: RunOf<'ppo' | 'ppo-gt'>, ctx: SweepContext, policy: GPT) {
  const p = run.ppo;
  const { reward, tokenizer } = ctx.task;
  // One scale for PPO and PPO-GT: the RM is z-scored over the sweep's labelled samples, and so
  // is r* (its mean and std over the same samples).
  const gt = groundTruthScale(ctx.data);
  const base: RewardFunction =
    run.algorithm === 'ppo'
      ? (await ctx.rewardModel(run.rewardModel, run.id)).asRewardFunction()
      : perSampleReward((prompt, text) => (reward(text, prompt) - gt.mean) / gt.std);
  const scaled: RewardFunction = async (batch) => (await base(batch)).map((r) => r * p.rewardScale);
  const iterations = run.train.steps;
  const cfg: PpoConfig = {
    ...DEFAULT_PPO_CONFIG,
    batchSize: p.batchSize,
    miniBatchSize: p.miniBatchSize,
    ppoEpochs: p.ppoEpochs,
    maxNewTokens: ctx.generation.maxNewTokens,
    temperature: ctx.generation.temperature,
    kl: {
      adaptive: p.adaptiveKl,
      init: p.klInit,
      target: p.klTarget,
      horizon: runScaledKlHorizon(iterations, p.batchSize),
    },
    optim: { ...optimOf(run), maxGradNorm: p.maxGradNorm },
    seed: run.train.seed,
  };
  const trainer = new PpoTrainer(policy, ctx.reference, ctx.data.prompts, scaled, cfg, {
    eotId: tokenizer.eot,
    decode: (ids) => tokenizer.decode(ids),
  });
  return {
    trainStep: async () => (await trainer.trainIteration()).metrics,
    dispose: () => trainer.dispose(),
  };
}

/** Mean and std of r* over the sweep's labelled completions (each distinct one once). */
function groundTruthScale(data: Pick<SweepData, 'preview'>): {
  mean: number;
  std: number;
} {
  const seen = new Map<string, number>();
  for (const t of data.preview) {
    seen.set(`${t.prompt}\u0000${t.chosen}`, t.chosenReward);
    seen.set(`${t.prompt}\u0000${t.rejected}`, t.rejectedReward);
  }
  const xs = [...seen.values()];
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, xs.length));
  return { mean, std: sd > 1e-6 ? sd : 1 };
}

export const MAKE_TRAINER: { [K in TrainedAlgorithm]: MakeTrainer<K> } = {
  dpo: async (run, ctx, policy) => {
    const { data } = ctx;
    const loss = {
      ...DEFAULT_LOSS,
      type: run.loss,
      beta: run.beta,
      labelSmoothing: run.labelSmoothing,
      rpoAlpha: run.rpoAlpha,
      simpoGamma: run.simpoGamma,
      reduction: run.reduction,
    };
    const { batchSize, seed } = run.train;
    const cfg = { loss, optim: optimOf(run), batchSize, seed };
    // The playground's trainer (DpoRun trains through it too).
    const trainer = new PreferenceTrainer(policy, data.pairs, data.reference, cfg, data.collate);
    return {
      trainStep: async (log) => {
        const r = await trainer.trainStep(log);
        return r ? { ...r.metrics, learning_rate: r.lr } : null;
      },
      dispose: () => trainer.dispose(),
    };
  },
  'preferred-ft': pairFinetune,
  unlikelihood: pairFinetune,
  ppo,
  'ppo-gt': ppo,
};
