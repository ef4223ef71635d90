/** TRL-named training metrics, computed on the device and read back only on log steps. */
import * as tf from '@tensorflow/tfjs';
import type { PreferenceLossOutput } from './losses';

import { PREFERENCE_METRIC_KEYS } from './metricKeys';

export { PREFERENCE_METRIC_KEYS };

/**
 * The metrics packed in PREFERENCE_METRIC_KEYS order, [8], so one read fetches all.
 * logps are the policy's summed completion log-probs, [B] each.
 */
export function preferenceMetricsTensor(
  out: PreferenceLossOutput,
  policyChosenLogps: tf.Tensor1D,
  policyRejectedLogps: tf.Tensor1D,
): tf.Tensor1D {
  return tf.tidy(() => {
    const margins = tf.sub(out.chosenRewards, out.rejectedRewards);
    // Strict: ties (e.g. π_θ = π_ref at step 0) count as wrong, as in TRL.
    const accuracies = tf.cast(tf.greater(out.chosenRewards, out.rejectedRewards), 'float32');
    return tf.stack([
      tf.mean(out.losses),
      tf.mean(out.chosenRewards),
      tf.mean(out.rejectedRewards),
      tf.mean(margins),
      tf.mean(accuracies),
      tf.mean(policyChosenLogps),
      tf.mean(policyRejectedLogps),
      // σ(r̂_l − r̂_w) = σ(−margin): how hard the sigmoid loss still pushes each pair.
      tf.mean(tf.sigmoid(tf.neg(margins))),
    ]) as tf.Tensor1D;
  });
}

/** Reads a packed tensor of `keys` into a record (a GPU→CPU sync point: log steps only). */
export async function readPacked<K extends string>(
  packed: tf.Tensor1D,
  keys: readonly K[],
): Promise<Record<K, number>> {
  const values = await packed.data();
  if (values.length !== keys.length) throw new Error('packed metrics have the wrong length');
  const out = {} as Record<K, number>;
  keys.forEach((k, i) => {
    out[k] = values[i] ?? Number.NaN;
  });
  return out;
}
