/** PPO of a sweep run: its config from the run's settings, and r* on the learned RM's scale. */
import type { GPT } from '../../model/gpt';
import { runScaledKlHorizon } from '../../objectives/ppo';
import { optimOf, type ResolvedFields, type SweepContext } from '../algorithms/algorithm';
import type { PpoSettings } from '../algorithms/ppo';
import { DEFAULT_PPO_CONFIG, type PpoConfig, PpoTrainer } from './ppoTrainer';
import { perSampleReward, type RewardFunction } from './rewardFunction';

/** PPO of `run` on the sweep's prompts against `reward` (scaled by ppo.rewardScale). */
export function startPpo(
  run: ResolvedFields & { ppo: PpoSettings },
  ctx: SweepContext,
  policy: GPT,
  reward: RewardFunction,
): PpoTrainer {
  const p = run.ppo;
  const { tokenizer } = ctx.task;
  const scaled: RewardFunction = async (batch) =>
    (await reward(batch)).map((r) => r * p.rewardScale);
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
  return new PpoTrainer(policy, ctx.reference, ctx.data.prompts, scaled, cfg, {
    eotId: tokenizer.eot,
    decode: (ids) => tokenizer.decode(ids),
  });
}

/**
 * r* z-scored by its mean and std over the sweep's labelled completions (each distinct one
 * once): the scale of the learned RM, which is normalised over the same samples.
 */
export function groundTruthReward(ctx: Pick<SweepContext, 'data' | 'task'>): RewardFunction {
  const seen = new Map<string, number>();
  for (const t of ctx.data.preview) {
    seen.set(`${t.prompt}\u0000${t.chosen}`, t.chosenReward);
    seen.set(`${t.prompt}\u0000${t.rejected}`, t.rejectedReward);
  }
  const xs = [...seen.values()];
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, xs.length));
  const std = sd > 1e-6 ? sd : 1;
  const { reward } = ctx.task;
  return perSampleReward((prompt, text) => (reward(text, prompt) - mean) / std);
}
