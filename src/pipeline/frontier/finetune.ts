/**
 * The two supervised baselines of the paper's Fig. 2, trained on the sweep's pairs:
 * Preferred-FT (token-mean NLL of the chosen completions, sftStep) and Unlikelihood
 * (chosen NLL + α · unlikelihood of the rejected, Welleck et al. 2019).
 */
import * as tf from '@tensorflow/tfjs';
import { splitPairs, tokenLogProbs } from '../../objectives/logprobs';
import { unlikelihoodLoss } from '../../objectives/losses';
import {
  type CollateOptions,
  collatePairs,
  collateSequences,
  fitToLength,
  type TokenizedPair,
} from '../collate';
import { sftObjective } from '../sftStep';
import { type BatchTensors, batchTensors, type CausalLM, disposeBatch } from '../train/tensors';
import { Trainer, type TrainerConfig } from '../train/trainer';

/**
 * The Unlikelihood loss closure on a pair batch (2B rows: B chosen, then B rejected):
 * mean over pairs of −mean_t log π(y_w,t) − α·mean_t log(1 − π(y_l,t)).
 */
function unlikelihoodObjective(
  model: CausalLM,
  t: BatchTensors,
  alpha: number,
): () => { loss: tf.Scalar } {
  return () => {
    const logits = model.forward(t.ids, { attentionMask: t.attentionMask, training: true });
    const [lpW, lpL] = splitPairs(tokenLogProbs(logits, t.ids)); // [B, T−1] each
    const [maskW, maskL] = splitPairs(t.completionMask); // [B, T] each
    const losses = unlikelihoodLoss(
      { tokenLogps: lpW, completionMask: maskW },
      { tokenLogps: lpL, completionMask: maskL },
      alpha,
    );
    return { loss: tf.mean(losses) as tf.Scalar };
  };
}

/** batchSize: pairs per step. */
export interface FinetuneConfig extends TrainerConfig {
  /** α of the rejected completions' unlikelihood term; absent: chosen NLL only (Preferred-FT). */
  unlikelihoodAlpha?: number;
}

/** Trains `policy` in place on seeded epochs of the pairs; the caller owns the policy. */
export class PairFinetuner extends Trainer<BatchTensors> {
  constructor(
    private readonly policy: CausalLM,
    private readonly pairs: readonly TokenizedPair[],
    private readonly cfg: FinetuneConfig,
    private readonly collate: CollateOptions,
  ) {
    super(cfg.optim, cfg.batchSize, cfg.seed, { items: pairs.length });
  }

  protected trainedVariables() {
    return this.policy.variables();
  }

  /** Preferred-FT: the chosen completions as sequences; Unlikelihood: the pairs (2B rows). */
  protected prepare(): BatchTensors {
    const batch = this.nextIndices().map((i) => this.pairs[i] as TokenizedPair);
    return this.cfg.unlikelihoodAlpha === undefined
      ? batchTensors(
          collateSequences(
            batch.map((p) => fitToLength(p.prompt, p.chosen, this.collate.maxLength)),
            this.collate.padId,
          ),
        )
      : batchTensors(collatePairs(batch, this.collate));
  }

  protected *losses(t: BatchTensors) {
    const alpha = this.cfg.unlikelihoodAlpha;
    yield alpha === undefined
      ? sftObjective(this.policy, t)
      : unlikelihoodObjective(this.policy, t, alpha);
  }

  protected override release(t: BatchTensors): void {
    disposeBatch(t);
  }

  /** [loss, grad_norm] and the step's learning_rate. */
  protected report(values: number[], _t: BatchTensors, lr: number): Record<string, number> {
    const [loss = Number.NaN, grad_norm = Number.NaN] = values;
    return { loss, grad_norm, learning_rate: lr };
  }
}
