/**
 * The exact KL of two models' next-token distributions, at the temperature the samples were
 * drawn at: sampling at T draws from π^T(·) = softmax(z/T), so the KL that describes the
 * evaluated samples is KL(π_θ^T ‖ π_ref^T), not the T = 1 one.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Per position t < T−1 (the positions that predict a next token):
 *   KL_t = Σ_v p_v (log p_v − log q_v),  p = softmax(zθ_t / T),  q = softmax(zref_t / T).
 * logits [N, T, V] each → [N, T−1].
 */
export function nextTokenKl(
  policyLogits: tf.Tensor3D,
  referenceLogits: tf.Tensor3D,
  temperature = 1,
): tf.Tensor2D {
  if (!(temperature > 0)) throw new Error('temperature must be > 0');
  return tf.tidy(() => {
    const [N, T, V] = policyLogits.shape;
    const scale = (z: tf.Tensor3D) =>
      tf.logSoftmax(tf.div(tf.slice(z, [0, 0, 0], [N, T - 1, V]), temperature)); // [N, T−1, V]
    const logP = scale(policyLogits);
    const logQ = scale(referenceLogits);
    return tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), -1) as tf.Tensor2D; // [N, T−1]
  });
}
