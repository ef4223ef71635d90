/**
 * The Bradley–Terry reward-model objective (Ziegler et al. 2019; Ouyang et al. 2022 Eq. 1;
 * DPO paper Eq. 2): maximise log σ(r(x, y_w) − r(x, y_l)) over preference pairs. Pure over
 * reward tensors, so any scorer (GPT + scalar head here) can use it.
 */
import * as tf from '@tensorflow/tfjs';
import { logSigmoid } from './stable';

/** Per-pair losses −log σ(r_w − r_l): chosen, rejected [B] → [B]. Stable for any margin. */
export function bradleyTerryLoss(chosen: tf.Tensor1D, rejected: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.neg(logSigmoid(tf.sub(chosen, rejected))) as tf.Tensor1D);
}

export const REWARD_MODEL_METRIC_KEYS = [
  'loss',
  'accuracy',
  'margin',
  'rewards/chosen',
  'rewards/rejected',
] as const;

/**
 * The metrics packed in REWARD_MODEL_METRIC_KEYS order, [5]: mean loss, accuracy (strict
 * r_w > r_l; ties count as wrong, as in TRL), mean margin r_w − r_l, mean rewards.
 */
export function rewardModelMetrics(chosen: tf.Tensor1D, rejected: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const margins = tf.sub(chosen, rejected);
    return tf.stack([
      tf.mean(bradleyTerryLoss(chosen, rejected)),
      tf.mean(tf.step(margins)), // step(0) = 0: strict
      tf.mean(margins),
      tf.mean(chosen),
      tf.mean(rejected),
    ]) as tf.Tensor1D;
  });
}
