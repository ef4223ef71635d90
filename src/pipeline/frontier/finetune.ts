/**
 * The two supervised baselines of the paper's Fig. 2, trained on the sweep's pairs:
 * Preferred-FT (token-mean NLL of the chosen completions, sftStep) and Unlikelihood
 * (chosen NLL + α · unlikelihood of the rejected, Welleck et al. 2019).
 */
import * as tf from '@tensorflow/tfjs';
import { splitPairs, tokenLogProbs } from '../../objectives/logprobs';
import { unlikelihoodLoss } from '../../objectives/losses';
import { readPacked } from '../../objectives/metrics';
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

type FinetuneObjective = { kind: 'preferred-ft' } | { kind: 'unlikelihood'; alpha: number };

/** What a logged step of either baseline reports: updateStep's [loss, grad_norm]. */
const FINETUNE_METRIC_KEYS = ['loss', 'grad_norm'] as const;

/** batchSize: pairs per step. */
export interface FinetuneConfig extends TrainerConfig {
  objective: FinetuneObjective;
}

/** Trains `policy` in place on seeded epochs of the pairs; the caller owns the policy. */
export class PairFinetuner extends Trainer {
  constructor(
    private readonly policy: CausalLM,
    private readonly pairs: readonly TokenizedPair[],
    private readonly cfg: FinetuneConfig,
    private readonly collate: CollateOptions,
  ) {
    super(cfg.optim, cfg.batchSize, cfg.seed, pairs.length);
  }

  /** One update; reads [loss, grad_norm] back (a GPU sync) only when `log` is set. */
  async trainStep(log: boolean): Promise<{ loss: number; grad_norm: number } | null> {
    const batch = this.nextIndices().map((i) => this.pairs[i] as TokenizedPair);
    this.scheduleLr();
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
    const packed = this.applyUpdate(
      this.policy,
      o.kind === 'preferred-ft'
        ? sftObjective(this.policy, t)
        : unlikelihoodObjective(this.policy, t, o.alpha),
    );
    disposeBatch(t);
    if (!log) {
      packed.dispose();
      return null;
    }
    const metrics = await readPacked(packed, FINETUNE_METRIC_KEYS);
    packed.dispose();
    return metrics;
  }
}
