/**
 * The registry's other trained algorithms in the playground: Preferred-FT and Unlikelihood on
 * the run's own pairs, PPO-GT on its prompts against r*, PPO after a reward model trained on
 * its pairs (its prerequisite, run here first). They take the run's steps, learning rate,
 * batch size, warm-up, clip and seed, and their own settings' defaults (the sweep config sets
 * those). DPO itself trains through DpoRun's PreferenceTrainer (online rounds, TR-DPO).
 */
import { z } from 'zod';
import type { GPT } from '../model/gpt';
import type { PlaygroundTrainer, SweepContext } from './algorithms/algorithm';
import { notTrainedHere } from './algorithms/playground';
import { ALGORITHMS } from './algorithms/registry';
import type { CollateOptions } from './collate';
import { tokenizePrompts } from './frontier/data';
import type { PreferenceData } from './preferenceData';
import type { PairReference } from './preferenceTrainer';
import { type RewardModel, trainRewardModel } from './rl/rewardModelTrainer';
import type { DpoRunSettings } from './settings';

export interface BaselineInputs {
  sft: GPT;
  reference: GPT;
  policy: GPT;
  task: {
    tokenizer: SweepContext['task']['tokenizer'];
    trainPrompts: string[];
    evalPrompts: string[];
    reward?: (completion: string, prompt: string) => number;
  };
  data: PreferenceData;
  refLogps: PairReference[];
  collate: CollateOptions;
  /** Progress of a prerequisite (PPO's reward model). */
  onProgress?(stage: 'reward-model', done: number, total: number): void;
}

/** The trainer of algorithm `s.algorithm` (not DPO) for `x.policy`. */
export async function startBaseline(
  s: DpoRunSettings,
  x: BaselineInputs,
): Promise<PlaygroundTrainer> {
  const id = s.algorithm;
  const why = notTrainedHere(id);
  if (why) throw new Error(why);
  const entry = ALGORITHMS[id];
  const noReward = (): number => {
    throw new Error(
      `${entry.label} scores new completions: it needs the built-in task's reward, not an imported file`,
    );
  };
  const own = z.object(entry.schema).parse({}); // the module's defaults
  const run = {
    ...own,
    id,
    label: entry.label,
    train: {
      steps: s.steps,
      lr: s.optim.lr,
      batchSize: s.batchSize,
      warmupSteps: s.optim.warmupSteps,
      maxGradNorm: s.optim.maxGradNorm,
      seed: s.seed,
    },
    evalEvery: s.eval.every,
  };
  /** PPO's prerequisite: owned by this run, freed with its trainer. */
  const rewardModels: RewardModel[] = [];
  const ctx: SweepContext = {
    sft: x.sft,
    reference: x.reference,
    task: { ...x.task, reward: x.task.reward ?? noReward },
    data: {
      ...x.data,
      prompts: tokenizePrompts(x.task.tokenizer, x.task.trainPrompts.slice(0, s.data.prompts)),
      reference: x.refLogps,
      collate: x.collate,
    },
    generation: { maxNewTokens: s.data.maxNewTokens, temperature: s.data.temperature },
    rewardModel: async (rm) => {
      const model = await trainRewardModel(
        x.sft,
        { pairs: x.data.pairs, collate: x.collate },
        rm,
        s.seed,
        (step) => x.onProgress?.('reward-model', step, rm.steps),
      );
      rewardModels.push(model);
      return model;
    },
  };
  // Each entry's factory takes runs of its own schema; `id` picked the entry.
  const make = entry.trainer as unknown as (
    r: typeof run,
    c: SweepContext,
    p: GPT,
  ) => Promise<PlaygroundTrainer>;
  const freeModels = () => {
    for (const m of rewardModels.splice(0)) m.dispose();
  };
  let trainer: PlaygroundTrainer;
  try {
    trainer = await make(run, ctx, x.policy);
  } catch (e) {
    freeModels();
    throw e;
  }
  if (typeof trainer.optimizerState !== 'function' || typeof trainer.restore !== 'function') {
    trainer.dispose();
    freeModels();
    throw new Error(`${entry.label}'s trainer keeps no checkpoints: it runs in sweeps only`);
  }
  return {
    get step() {
      return trainer.step;
    },
    trainStep: (log) => trainer.trainStep(log),
    optimizerState: () => trainer.optimizerState(),
    restore: (step, optimizer) => trainer.restore(step, optimizer),
    setLearningRate: (lr) => trainer.setLearningRate(lr),
    dispose: () => {
      trainer.dispose();
      freeModels();
    },
  };
}
