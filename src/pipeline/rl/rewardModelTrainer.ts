/**
 * The PPO baseline's learned reward: a copy of the SFT model with a scalar head read at the
 * last real token, trained on the preference pairs with the Bradley–Terry loss (Ziegler et
 * al. 2019; DPO paper Eq. 2), then normalised to mean 0, std 1 over its training
 * completions so PPO's KL penalty and score share a scale.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../../model/gpt';
import { ScalarHead } from '../../model/scalarHead';
import { splitPairs } from '../../objectives/logprobs';
import {
  bradleyTerryLoss,
  REWARD_MODEL_METRIC_KEYS,
  rewardModelMetrics,
} from '../../objectives/rewardModel';
import {
  type CollateOptions,
  collatePairs,
  collateSequences,
  fitToLength,
  type TokenizedPair,
} from '../collate';
import { type BatchTensors, batchTensors, disposeBatch } from '../train/tensors';
import { Trainer, type TrainerConfig } from '../train/trainer';
import type { RewardFunction } from './rewardFunction';

/**
 * Where the head reads the trunk: 'last-token' (the last real token, as
 * GPT2ForSequenceClassification) or 'pooled' (summed over the completion's tokens:
 * ScalarHead.pooled), which fits a reward that adds up word by word.
 */
export type RewardHeadKind = 'last-token' | 'pooled';

/** batchSize: pairs per step (B); the forward sees 2B rows. */
export type RewardModelConfig = TrainerConfig & { head?: RewardHeadKind };

const REWARD_MODEL_STEP_KEYS = [...REWARD_MODEL_METRIC_KEYS, 'grad_norm'] as const;

/**
 * r(x, y) = head(trunk(x ‖ y)) at the last real token, or summed over y's tokens ('pooled'),
 * as (r − mean)/std once normalised.
 */
export class RewardModel {
  /** Affine normalisation of the raw score; identity until `normalise`. */
  mean = 0;
  std = 1;

  constructor(
    readonly trunk: GPT,
    readonly head: ScalarHead,
    private readonly collate: CollateOptions,
    readonly headKind: RewardHeadKind = 'last-token',
  ) {}

  /** Raw scores of padded rows: [N]. Gradients flow (training uses it). */
  scoresOf(
    t: Pick<BatchTensors, 'ids' | 'attentionMask' | 'completionMask'>,
    training = false,
  ): tf.Tensor1D {
    return tf.tidy(() => {
      const { hidden } = this.trunk.forwardHidden(t.ids, {
        attentionMask: t.attentionMask,
        training,
        withLogits: false,
      }); // [N, T, C]
      return this.headKind === 'pooled'
        ? this.head.pooled(hidden, t.completionMask)
        : this.head.atLastToken(hidden, t.attentionMask);
    });
  }

  /** Raw scores of prompt + completion rows, batched; one read per batch. */
  async rawScores(
    rows: { prompt: number[]; completion: number[] }[],
    batchSize = 32,
  ): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < rows.length; i += batchSize) {
      const chunk = rows
        .slice(i, i + batchSize)
        .map((r) => fitToLength(r.prompt, r.completion, this.collate.maxLength));
      const t = batchTensors(collateSequences(chunk, this.collate.padId));
      const s = this.scoresOf(t);
      out.push(...(await s.data()));
      s.dispose();
      disposeBatch(t);
    }
    return out;
  }

  /** Normalised scores (r − mean)/std. */
  async score(rows: { prompt: number[]; completion: number[] }[]): Promise<number[]> {
    return (await this.rawScores(rows)).map((r) => (r - this.mean) / this.std);
  }

  /** Sets mean and std from raw scores of these rows (std 1 if they are all equal). */
  async normalise(rows: { prompt: number[]; completion: number[] }[]): Promise<void> {
    const raw = await this.rawScores(rows);
    const m = raw.reduce((a, b) => a + b, 0) / Math.max(1, raw.length);
    const sd = Math.sqrt(raw.reduce((a, r) => a + (r - m) ** 2, 0) / Math.max(1, raw.length));
    this.mean = m;
    this.std = sd > 1e-6 ? sd : 1;
  }

  /** The normalised score as PPO's or Best-of-N's reward. */
  asRewardFunction(): RewardFunction {
    return (batch) =>
      this.score(batch.map((q) => ({ prompt: q.prompt.ids, completion: q.completion })));
  }

  dispose(): void {
    this.trunk.dispose();
    this.head.dispose();
  }
}

/** Unique prompt + completion rows of the pairs (with `all` pairing a completion recurs). */
export function pairCompletions(
  pairs: TokenizedPair[],
): { prompt: number[]; completion: number[] }[] {
  const seen = new Map<string, { prompt: number[]; completion: number[] }>();
  for (const p of pairs) {
    for (const completion of [p.chosen, p.rejected]) {
      const key = `${p.prompt.join(',')}|${completion.join(',')}`;
      if (!seen.has(key)) seen.set(key, { prompt: p.prompt, completion });
    }
  }
  return [...seen.values()];
}

export class RewardModelTrainer extends Trainer<BatchTensors> {
  readonly model: RewardModel;
  private handedOver = false;

  /** Trains a copy of `sft` (the caller keeps `sft`) with a fresh head. */
  constructor(
    sft: GPT,
    private readonly pairs: TokenizedPair[],
    cfg: RewardModelConfig,
    private readonly collate: CollateOptions,
  ) {
    super(cfg.optim, cfg.batchSize, cfg.seed, { items: pairs.length });
    this.model = new RewardModel(
      sft.clone(true),
      ScalarHead.create(sft.config.nEmbd, cfg.seed),
      collate,
      cfg.head ?? 'last-token',
    );
  }

  protected trainedVariables() {
    return [...this.model.trunk.variables(), ...this.model.head.variables()];
  }

  protected prepare(): BatchTensors {
    if (this.handedOver) throw new Error('the reward model was handed over by finish()');
    return batchTensors(
      collatePairs(
        this.nextIndices().map((i) => this.pairs[i] as TokenizedPair),
        this.collate,
      ),
    );
  }

  /** One Bradley–Terry update (DPO paper Eq. 2). */
  protected *losses(t: BatchTensors) {
    yield () => {
      const [chosen, rejected] = splitPairs(this.model.scoresOf(t, true)); // [B] each
      return {
        loss: tf.mean(bradleyTerryLoss(chosen, rejected)) as tf.Scalar,
        report: rewardModelMetrics(chosen, rejected),
      };
    };
  }

  protected override release(t: BatchTensors): void {
    disposeBatch(t);
  }

  protected report(values: number[], _t: BatchTensors, lr: number): Record<string, number> {
    const out: Record<string, number> = {};
    REWARD_MODEL_STEP_KEYS.forEach((k, i) => {
      out[k] = values[i] ?? Number.NaN;
    });
    return { ...out, learning_rate: lr };
  }

  /**
   * Normalises the model over the training completions and hands it over: the caller then
   * owns (and disposes) it; the trainer can no longer step.
   */
  async finish(): Promise<RewardModel> {
    await this.model.normalise(pairCompletions(this.pairs));
    this.handedOver = true;
    super.dispose();
    return this.model;
  }

  /** Frees the optimiser, and the model unless `finish` handed it over. */
  override dispose(): void {
    if (this.handedOver) return;
    super.dispose();
    this.model.dispose();
  }
}

/** Trains the Bradley–Terry reward model of a sweep on its pairs (a copy of the SFT model). */
export async function trainRewardModel(
  sft: GPT,
  data: { pairs: TokenizedPair[]; collate: CollateOptions },
  s: { steps: number; lr: number; batchSize: number; head: RewardHeadKind },
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
      head: s.head,
    },
    data.collate,
  );
  try {
    for (let i = 1; i <= s.steps; i++) {
      const m = await trainer.trainStep(i % 25 === 0 || i === s.steps);
      if (m) onLog?.(trainer.step, m);
    }
    return await trainer.finish();
  } catch (e) {
    trainer.dispose();
    throw e;
  }
}
