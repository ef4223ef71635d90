/**
 * One "algorithm run" per trained baseline, behind one interface: the sweep steps it and
 * evaluates its policy on a schedule, so every algorithm yields frontier points the same way.
 * DPO and its variants (PreferenceTrainer), Preferred-FT and Unlikelihood (PairFinetuner),
 * PPO against the learned reward model and PPO-GT against the ground truth (PpoTrainer).
 */
import type { GPT } from '../../model/gpt';
import { DEFAULT_LOSS } from '../../objectives/lossConfig';
import type { OptimConfig } from '../optim';
import { PreferenceTrainer } from '../preferenceTrainer';
import { DEFAULT_PPO_CONFIG, type PpoConfig, PpoTrainer } from '../rl/ppoTrainer';
import { perSampleReward, type RewardFunction } from '../rl/reward';
import { type RewardModel, RewardModelTrainer } from '../rl/rewardModelTrainer';
import type { ResolvedRun, RewardModelSettings } from './config';
import type { FrontierTask, PreferenceData } from './data';
import { PairFinetuner } from './finetune';

/** A policy in training: a copy of the SFT model that `trainStep` updates in place. */
export interface PolicyTraining {
  readonly policy: GPT;
  /** One update (PPO: one iteration); the metrics when `log` is set (PPO: always). */
  trainStep(log: boolean): Promise<Record<string, number> | null>;
  /** Frees the optimiser state and the policy. */
  dispose(): void;
}

export type TrainedRun = ResolvedRun & {
  algorithm: 'dpo' | 'preferred-ft' | 'unlikelihood' | 'ppo' | 'ppo-gt';
};

export function isTrained(run: ResolvedRun): run is TrainedRun {
  return run.algorithm !== 'sft' && run.algorithm !== 'best-of-n';
}

/** What the runs of one sweep share. */
export interface SweepContext {
  sft: GPT;
  /** The frozen SFT model, π_ref. */
  reference: GPT;
  task: FrontierTask;
  data: PreferenceData;
  /** The Bradley–Terry reward model of these settings, trained once per sweep. */
  rewardModel(settings: RewardModelSettings, runId: string): Promise<RewardModel>;
}

function optimOf(run: ResolvedRun): OptimConfig {
  const t = run.train;
  return { kind: 'adam', lr: t.lr, warmupSteps: t.warmupSteps, maxGradNorm: t.maxGradNorm };
}

export async function startTraining(run: TrainedRun, ctx: SweepContext): Promise<PolicyTraining> {
  const policy = ctx.sft.clone(true);
  try {
    return { policy, ...(await trainerFor(run, ctx, policy)) };
  } catch (e) {
    policy.dispose();
    throw e;
  }
}

async function trainerFor(
  run: TrainedRun,
  ctx: SweepContext,
  policy: GPT,
): Promise<Omit<PolicyTraining, 'policy'>> {
  const { data } = ctx;
  const { batchSize, seed } = run.train;
  const withPolicy = (free: () => void) => () => {
    free();
    policy.dispose();
  };
  switch (run.algorithm) {
    case 'dpo': {
      const loss = {
        ...DEFAULT_LOSS,
        type: run.loss,
        beta: run.beta,
        labelSmoothing: run.labelSmoothing,
        rpoAlpha: run.rpoAlpha,
        simpoGamma: run.simpoGamma,
        reduction: run.reduction,
      };
      const cfg = { loss, optim: optimOf(run), batchSize, seed };
      const trainer = new PreferenceTrainer(policy, data.pairs, data.reference, cfg, data.collate);
      return {
        trainStep: async (log) => {
          const r = await trainer.trainStep(log);
          return r ? { ...r.metrics, learning_rate: r.lr } : null;
        },
        dispose: withPolicy(() => trainer.dispose()),
      };
    }
    case 'preferred-ft':
    case 'unlikelihood': {
      const objective =
        run.algorithm === 'unlikelihood'
          ? { kind: 'unlikelihood' as const, alpha: run.alpha }
          : { kind: 'preferred-ft' as const };
      const cfg = { objective, optim: optimOf(run), batchSize, seed };
      const trainer = new PairFinetuner(policy, data.pairs, cfg, data.collate);
      return {
        trainStep: (log) => trainer.trainStep(log),
        dispose: withPolicy(() => trainer.dispose()),
      };
    }
    case 'ppo':
    case 'ppo-gt': {
      const p = run.ppo;
      const { reward } = ctx.task;
      const base: RewardFunction =
        run.algorithm === 'ppo'
          ? (await ctx.rewardModel(run.rewardModel, run.id)).asRewardFunction()
          : perSampleReward((prompt, text) => reward(text, prompt));
      const scaled: RewardFunction = async (batch) =>
        (await base(batch)).map((r) => r * p.rewardScale);
      const cfg: PpoConfig = {
        ...DEFAULT_PPO_CONFIG,
        batchSize: p.batchSize,
        miniBatchSize: p.miniBatchSize,
        ppoEpochs: p.ppoEpochs,
        kl: {
          ...DEFAULT_PPO_CONFIG.kl,
          adaptive: p.adaptiveKl,
          init: p.klInit,
          target: p.klTarget,
        },
        optim: { ...optimOf(run), maxGradNorm: p.maxGradNorm },
        seed,
      };
      const { tokenizer } = ctx.task;
      const trainer = new PpoTrainer(policy, ctx.reference, data.prompts, scaled, cfg, {
        eotId: tokenizer.eot,
        decode: (ids) => tokenizer.decode(ids),
      });
      return {
        trainStep: async () => (await trainer.trainIteration()).metrics,
        dispose: withPolicy(() => trainer.dispose()),
      };
    }
  }
}

/** Trains the Bradley–Terry reward model on the sweep's pairs (a copy of the SFT model). */
export async function trainRewardModel(
  sft: GPT,
  data: PreferenceData,
  s: RewardModelSettings,
  seed: number,
  onLog?: (step: number, metrics: Record<string, number>) => void,
): Promise<RewardModel> {
  const trainer = new RewardModelTrainer(
    sft,
    data.pairs,
    {
      optim: { kind: 'adam', lr: s.lr, warmupSteps: 5, maxGradNorm: 10 },
      batchSize: s.batchSize,
      seed,
    },
    data.collate,
  );
  try {
    for (let i = 1; i <= s.steps; i++) {
      const log = i % 25 === 0 || i === s.steps;
      const r = await trainer.trainStep(log);
      if (r) onLog?.(r.step, { ...r.metrics, learning_rate: r.lr });
    }
    return await trainer.finish();
  } catch (e) {
    trainer.dispose();
    throw e;
  }
}
