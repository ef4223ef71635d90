import * as tf from '@tensorflow/tfjs';

/** log σ(z) = −softplus(−z): finite for any z, gradient σ(−z). Never log(sigmoid(z)). */
export function logSigmoid<T extends tf.Tensor>(z: T): T {
  return tf.tidy(() => tf.neg(tf.softplus(tf.neg(z))) as T);
}

/**
 * log(1 − eˣ) for x ≤ 0 (Mächler 2012): log(−expm1 x) near 0, log1p(−eˣ) below −ln 2.
 * Each branch sees only inputs where it is finite, so the blend's gradient has no 0·∞; the
 * branch is picked by tf.step (it has a zero gradient; tf.greater has none in tfjs).
 * x is clamped to ≤ −1e-6 so that p = 1 gives a large finite penalty, not −∞.
 */
export function log1mexp<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const xc = tf.minimum(x, -1e-6);
    const near = tf.log(tf.neg(tf.expm1(tf.maximum(xc, -Math.LN2))));
    const far = tf.log1p(tf.neg(tf.exp(tf.minimum(xc, -Math.LN2))));
    const useNear = tf.step(tf.add(xc, Math.LN2)); // 1 where x > −ln 2
    return tf.add(tf.mul(useNear, near), tf.mul(tf.sub(1, useNear), far)) as T;
  });
}
