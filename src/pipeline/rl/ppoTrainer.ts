/**
 * PPO for the policy, from the SFT model (the paper's PPO and PPO-GT baselines, after TRL's
 * PPOTrainer). Per iteration: sample one completion per prompt from π_θ, score it with the
 * caller's reward (learned RM or ground truth), add the per-token KL penalty against π_ref,
 * estimate advantages by GAE, then run K epochs of clipped-objective minibatch updates.
 *
 * The value head sits on the policy's own trunk (TRL's AutoModelForCausalLMWithValueHead):
 * one forward yields log-probs and values, with no third model copy, no extra forward and no
 * second set of Adam slots — what a browser tab can afford. Value gradients reach the shared
 * trunk, scaled by vfCoef (0.1).
 */
import * as tf from '@tensorflow/tfjs';
import { generate, plainSampling } from '../../model/generate';
import type { GPT } from '../../model/gpt';
import { ScalarHead } from '../../model/scalarHead';
import {
  AdaptiveKlController,
  clippedPolicyLoss,
  clippedValueLoss,
  FixedKlController,
  gae,
  type KlController,
  klPenalizedRewards,
  maskedMean,
  type Rows,
  whiten,
} from '../../objectives/ppo';
import type { OptimConfig } from '../optim';
import { shuffled } from '../train/epochs';
import { Trainer } from '../train/trainer';
import type { LossOutput } from '../train/updateStep';
import type { RewardFunction, RewardQuery, TokenizedPrompt } from './rewardFunction';
import {
  completionLogps,
  layoutRollout,
  policyValues,
  type RolloutLayout,
  rolloutTensors,
  rowsTensor,
  toRows,
} from './rollout';

export interface PpoConfig {
  /** Prompts per iteration, one completion each. */
  batchSize: number;
  /** Rows per gradient update; batchSize/miniBatchSize updates per epoch. */
  miniBatchSize: number;
  /** K: passes over each rollout batch. */
  ppoEpochs: number;
  maxNewTokens: number;
  temperature: number;
  /** GAE discount γ and λ (TRL: 1, 0.95). */
  gamma: number;
  lambda: number;
  /** ε of the ratio clip and of the value clip (TRL: 0.2 each). */
  clipRange: number;
  clipRangeValue: number;
  /** Weight of the value loss in the shared-trunk loss (TRL: 0.1). */
  vfCoef: number;
  whitenAdvantages: boolean;
  /** KL-penalty coefficient β: adaptive toward `target` nats per sequence (Ziegler et al.). */
  kl: { adaptive: boolean; init: number; target: number; horizon: number };
  optim: OptimConfig;
  seed: number;
}

/** Sized for nano/micro in a browser; the KL settings are TRL's defaults. */
export const DEFAULT_PPO_CONFIG: PpoConfig = {
  batchSize: 16,
  miniBatchSize: 8,
  ppoEpochs: 4,
  maxNewTokens: 16,
  temperature: 1,
  gamma: 1,
  lambda: 0.95,
  clipRange: 0.2,
  clipRangeValue: 0.2,
  vfCoef: 0.1,
  whitenAdvantages: true,
  kl: { adaptive: true, init: 0.2, target: 6, horizon: 10_000 },
  optim: { kind: 'adam', lr: 1e-4, warmupSteps: 0, maxGradNorm: 1 },
  seed: 1,
};

/** Per-update metrics, packed on the device and averaged over an iteration's updates. */
const UPDATE_KEYS = [
  'ppo/loss/policy',
  'ppo/loss/value',
  'ppo/loss/total',
  'ppo/policy/approxkl',
  'ppo/policy/clipfrac',
  'ppo/val/vpred',
  'ppo/val/clipfrac',
  'ppo/grad_norm',
] as const;

export const PPO_METRIC_KEYS = [
  ...UPDATE_KEYS,
  'objective/kl',
  'objective/kl_coef',
  'objective/entropy',
  'env/reward_mean',
  'env/reward_std',
  'ppo/mean_non_score_reward',
  'ppo/policy/advantages_mean',
  'ppo/returns/mean',
  'ppo/returns/var',
  'ppo/val/mean',
  'ppo/learning_rate',
  'tokens/responses_len_mean',
] as const;

type PpoMetrics = Record<(typeof PPO_METRIC_KEYS)[number], number>;

interface PpoSample {
  prompt: string;
  tokens: number[];
  text: string;
  /** The reward function's score of the completion. */
  score: number;
}

export interface PpoTokens {
  eotId: number;
  /** Padding id (any id; padding is masked). Default: eotId. */
  padId?: number;
  decode: (ids: number[]) => string;
}

/** What GAE and the losses need of one rollout, as CPU rows [N][L]. */
interface RolloutData {
  layout: RolloutLayout;
  logps: Rows;
  values: Rows;
  advantages: Rows;
  returns: Rows;
}

/** One iteration's scored rollout: the updates' data and what its metrics read. */
interface Rollout {
  data: RolloutData;
  queries: RewardQuery[];
  scores: number[];
  /** Unwhitened advantages, per-token KL and non-score rewards (metrics). */
  advantages: Rows;
  kl: number[];
  nonScoreRewards: Rows;
  klCoef: number;
}

export class PpoTrainer extends Trainer<Rollout> {
  readonly valueHead: ScalarHead;
  readonly klController: KlController;
  /** The last iteration's samples and their scores. */
  lastSamples: PpoSample[] = [];
  /** TRL logs every iteration; the rollout has synced with the device anyway. */
  protected override readonly logsEveryStep = true;

  /** Trains `policy` in place against frozen `reference`; the caller owns both. */
  constructor(
    readonly policy: GPT,
    readonly reference: GPT,
    private readonly prompts: TokenizedPrompt[],
    private readonly reward: RewardFunction,
    readonly config: PpoConfig,
    private readonly tokens: PpoTokens,
  ) {
    validatePpoConfig(config);
    super(config.optim, config.batchSize, config.seed, {
      items: prompts.length,
      empty: 'no training prompts',
    });
    this.valueHead = ScalarHead.create(policy.config.nEmbd, config.seed + 1);
    const k = config.kl;
    this.klController = k.adaptive
      ? new AdaptiveKlController(k.init, k.target, k.horizon)
      : new FixedKlController(k.init);
  }

  protected trainedVariables() {
    return [...this.policy.variables(), ...this.valueHead.variables()];
  }

  /** The rollout: sample from π_θ, score, KL-penalise, GAE (before any update). */
  protected async prepare(): Promise<Rollout> {
    const cfg = this.config;
    const padId = this.tokens.padId ?? this.tokens.eotId;
    const batch = this.nextIndices().map((i) => this.prompts[i] as TokenizedPrompt);
    const g = await generate(
      this.policy,
      batch.map((p) => p.ids),
      plainSampling({
        temperature: cfg.temperature,
        maxNewTokens: cfg.maxNewTokens,
        seed: cfg.seed + 7919 * (this.step + 1),
        eotId: this.tokens.eotId,
        padId,
      }),
    );
    const queries: RewardQuery[] = batch.map((prompt, i) => {
      const completion = g.tokens[i] ?? [];
      const text = this.tokens.decode(completion.filter((t) => t !== this.tokens.eotId));
      return { prompt, completion, text };
    });
    const scores = await this.reward(queries);
    if (scores.length !== queries.length) throw new Error('reward returned the wrong count');

    const layout = layoutRollout(
      batch.map((p) => p.ids),
      queries.map((q) => q.completion),
      padId,
    );
    const { logps, refLogps, values } = await this.rolloutStatistics(layout);
    const mask = layout.completionMask;
    const klCoef = this.klController.value;
    const r = klPenalizedRewards(logps, refLogps, mask, scores, klCoef);
    const { advantages, returns } = gae(r.rewards, values, mask, cfg.gamma, cfg.lambda);
    const data: RolloutData = {
      layout,
      logps,
      values,
      advantages: cfg.whitenAdvantages ? whiten(advantages, mask) : advantages,
      returns,
    };
    return {
      data,
      queries,
      scores,
      advantages,
      kl: r.kl,
      nonScoreRewards: r.nonScoreRewards,
      klCoef,
    };
  }

  /** K epochs over the rollout in shuffled minibatches: one clipped update each. */
  protected *losses(r: Rollout) {
    const cfg = this.config;
    const rows = r.data.layout.rows;
    for (let epoch = 0; epoch < cfg.ppoEpochs; epoch++) {
      const order = shuffled(rows, this.rand);
      for (let i = 0; i < order.length; i += cfg.miniBatchSize) {
        yield this.lossOn(r.data, order.slice(i, i + cfg.miniBatchSize));
      }
    }
  }

  /** The batch order's draws and the minibatch shuffles of one iteration (restore). */
  protected override replayDraws(): void {
    const rows = this.nextIndices().length;
    for (let epoch = 0; epoch < this.config.ppoEpochs; epoch++) shuffled(rows, this.rand);
  }

  protected override afterUpdates(r: Rollout): void {
    this.klController.update(mean(r.kl), r.data.layout.rows);
  }

  protected override extraState(): number[] {
    return [this.klController.value];
  }

  protected override restoreExtra(extra: number[]): void {
    const c = this.klController;
    if (c instanceof AdaptiveKlController) c.value = extra[0] ?? c.value;
  }

  /** TRL's metrics: the updates' means (UPDATE_KEYS), then the rollout's. */
  protected report(averaged: number[], r: Rollout, lr: number): PpoMetrics {
    const { queries, scores } = r;
    const { logps, values, returns, layout } = r.data;
    const mask = layout.completionMask;
    const metrics = {} as PpoMetrics;
    UPDATE_KEYS.forEach((k, i) => {
      metrics[k] = averaged[i] ?? Number.NaN;
    });
    const real = (x: Rows) => x.flatMap((row, i) => row.filter((_, t) => mask[i]?.[t]));
    const ret = real(returns);
    Object.assign(metrics, {
      'objective/kl': mean(r.kl),
      'objective/kl_coef': r.klCoef,
      'objective/entropy': mean(logps.map((row, i) => -dot(row, mask[i] ?? []))),
      'env/reward_mean': mean(scores),
      'env/reward_std': Math.sqrt(variance(scores)),
      'ppo/mean_non_score_reward': mean(
        r.nonScoreRewards.map((row) => row.reduce((a, b) => a + b, 0)),
      ),
      'ppo/policy/advantages_mean': mean(real(r.advantages)),
      'ppo/returns/mean': mean(ret),
      'ppo/returns/var': variance(ret),
      'ppo/val/mean': mean(real(values)),
      'ppo/learning_rate': lr,
      'tokens/responses_len_mean': mean(queries.map((q) => q.completion.length)),
    } satisfies Partial<PpoMetrics>);
    this.lastSamples = queries.map((q, i) => ({
      prompt: q.prompt.text,
      tokens: q.completion,
      text: q.text,
      score: scores[i] ?? Number.NaN,
    }));
    return metrics;
  }

  /** log π_old, log π_ref and V_old of every completion token, read back once. */
  private async rolloutStatistics(
    layout: RolloutLayout,
  ): Promise<{ logps: Rows; refLogps: Rows; values: Rows }> {
    const t = rolloutTensors(layout);
    const pv = policyValues(this.policy, this.valueHead, t, layout, false);
    const ref = completionLogps(this.reference, t, layout);
    const [lp, v, lr] = await Promise.all([pv.logps.data(), pv.values.data(), ref.data()]);
    tf.dispose([t.ids, t.attentionMask, pv.logps, pv.values, ref]);
    const n = layout.rows;
    const l = layout.completionLength;
    return { logps: toRows(lp, n, l), values: toRows(v, n, l), refLogps: toRows(lr, n, l) };
  }

  /** The clipped-objective loss on the given rows; reports UPDATE_KEYS but grad_norm [7]. */
  private lossOn(data: RolloutData, rows: number[]): () => LossOutput {
    const cfg = this.config;
    return () => {
      // Built inside the closure: updateStep's tidy frees them with the update.
      const t = rolloutTensors(data.layout, rows);
      const mask = rowsTensor(data.layout.completionMask, rows); // [M, L]
      const oldLogps = rowsTensor(data.logps, rows);
      const oldValues = rowsTensor(data.values, rows);
      const advantages = rowsTensor(data.advantages, rows);
      const returns = rowsTensor(data.returns, rows);
      const pv = policyValues(this.policy, this.valueHead, t, data.layout, true);
      const pg = clippedPolicyLoss(pv.logps, oldLogps, advantages, mask, cfg.clipRange);
      const vf = clippedValueLoss(pv.values, oldValues, returns, mask, cfg.clipRangeValue);
      const loss = tf.add(pg.loss, tf.mul(cfg.vfCoef, vf.loss)) as tf.Scalar;
      const report = tf.stack([
        pg.loss,
        vf.loss,
        loss,
        pg.approxKl,
        pg.clipfrac,
        maskedMean(pv.values, mask),
        vf.clipfrac,
      ]) as tf.Tensor1D;
      return { loss, report };
    };
  }

  /** Frees the value head and the optimiser (not the policy or reference). */
  override dispose(): void {
    this.valueHead.dispose();
    super.dispose();
  }
}

function validatePpoConfig(c: PpoConfig): void {
  const positiveInts: (keyof PpoConfig)[] = [
    'batchSize',
    'miniBatchSize',
    'ppoEpochs',
    'maxNewTokens',
  ];
  for (const k of positiveInts) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new Error(`${k} must be a positive integer`);
    }
  }
  if (!(c.gamma >= 0 && c.gamma <= 1) || !(c.lambda >= 0 && c.lambda <= 1)) {
    throw new Error('gamma and lambda must be in [0, 1]');
  }
  if (!(c.clipRange > 0) || !(c.clipRangeValue > 0)) throw new Error('clip ranges must be > 0');
  if (!(c.vfCoef >= 0)) throw new Error('vfCoef must be ≥ 0');
  if (!(c.kl.init >= 0)) throw new Error('kl.init must be ≥ 0');
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
}

/** Population variance. */
function variance(xs: number[]): number {
  const m = mean(xs);
  return mean(xs.map((x) => (x - m) ** 2));
}

function dot(a: number[], b: number[]): number {
  return a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
}
