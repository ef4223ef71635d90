/**
 * The two supervised baselines of the paper's Fig. 2, trained on the sweep's pairs:
 * Preferred-FT (token-mean NLL of the chosen completions, sftStep) and Unlikelihood
 * (chosen NLL + α · unlikelihood of the rejected, Welleck et al. 2019; unlikelihoodStep).
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../model/rng';
import { splitPairs, tokenLogProbs } from '../../objectives/logprobs';
import { unlikelihoodLoss } from '../../objectives/losses';
import {
  type CollateOptions,
  collatePairs,
  collateSequences,
  fitToLength,
  type TokenizedPair,
} from '../collate';
import { learningRateAt, makeOptimizer, type OptimConfig, setLearningRate } from '../optim';
import {
  type BatchTensors,
  batchTensors,
  type CausalLM,
  clipByGlobalNorm,
} from '../preferenceStep';
import { epochSampler } from '../rl/batchOrder';
import { sftStep } from '../sftStep';

/**
 * One Unlikelihood update on a pair batch (2B rows: B chosen, then B rejected):
 * mean over pairs of −mean_t log π(y_w,t) − α·mean_t log(1 − π(y_l,t)). Returns
 * [loss, grad_norm] on the device; read it on log steps only, then dispose.
 */
export function unlikelihoodStep(
  model: CausalLM,
  optimizer: tf.Optimizer,
  t: BatchTensors,
  alpha: number,
  maxGradNorm: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.forward(t.ids, { attentionMask: t.attentionMask, training: true });
      const [lpW, lpL] = splitPairs(tokenLogProbs(logits, t.ids)); // [B, T−1] each
      const [maskW, maskL] = splitPairs(t.completionMask); // [B, T] each
      const losses = unlikelihoodLoss(
        { tokenLogps: lpW, completionMask: maskW },
        { tokenLogps: lpL, completionMask: maskL },
        alpha,
      );
      return tf.mean(losses) as tf.Scalar;
    }, model.variables());
    const clipped = clipByGlobalNorm(grads, maxGradNorm);
    optimizer.applyGradients(clipped.grads);
    return tf.stack([value, clipped.norm]) as tf.Tensor1D;
  });
}

export type FinetuneObjective = { kind: 'preferred-ft' } | { kind: 'unlikelihood'; alpha: number };

export interface FinetuneConfig {
  objective: FinetuneObjective;
  optim: OptimConfig;
  /** Pairs per step. */
  batchSize: number;
  seed: number;
}

/** Trains `policy` in place on seeded epochs of the pairs; the caller owns the policy. */
export class PairFinetuner {
  step = 0;
  private readonly optimizer: tf.Optimizer;
  private readonly nextBatch: () => number[];

  constructor(
    private readonly policy: CausalLM,
    private readonly pairs: readonly TokenizedPair[],
    private readonly cfg: FinetuneConfig,
    private readonly collate: CollateOptions,
  ) {
    if (pairs.length === 0) throw new Error('no preference pairs to train on');
    this.optimizer = makeOptimizer(cfg.optim);
    this.nextBatch = epochSampler(pairs.length, cfg.batchSize, mulberry32(cfg.seed));
  }

  /** One update; reads [loss, grad_norm] back (a GPU sync) only when `log` is set. */
  async trainStep(log: boolean): Promise<{ loss: number; grad_norm: number } | null> {
    const batch = this.nextBatch().map((i) => this.pairs[i] as TokenizedPair);
    const lr = learningRateAt(this.step, this.cfg.optim);
    setLearningRate(this.optimizer, lr);
    const { maxGradNorm } = this.cfg.optim;
    const o = this.cfg.objective;
    const t =
      o.kind === 'preferred-ft'
        ? batchTensors(
            collateSequences(
              batch.map((p) => fitToLength(p.prompt, p.chosen, this.collate.maxLength)),
              this.collate.padId,
            ),
          )
        : batchTensors(collatePairs(batch, this.collate));
    const packed =
      o.kind === 'preferred-ft'
        ? sftStep(this.policy, this.optimizer, t, maxGradNorm)
        : unlikelihoodStep(this.policy, this.optimizer, t, o.alpha, maxGradNorm);
    tf.dispose([t.ids, t.attentionMask, t.completionMask]);
    this.step++;
    if (!log) {
      packed.dispose();
      return null;
    }
    const [loss = Number.NaN, gradNorm = Number.NaN] = await packed.data();
    packed.dispose();
    return { loss, grad_norm: gradNorm };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
