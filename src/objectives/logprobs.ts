/**
 * Log-probabilities of completions, as in the reference DPO code (`_get_batch_logps`):
 * the sum over completion tokens of log-softmax(logits)[next token], prompt and padding masked.
 */
import * as tf from '@tensorflow/tfjs';
import { targetLogProbs } from '../model/kernels/targetLogProb';

/** Summed log-prob of each sequence's completion and its token count: both [N]. */
export type SequenceLogps = {
  sum: tf.Tensor1D;
  count: tf.Tensor1D;
};

/** How a sequence's token log-probs are reduced: `sum` (paper, TRL default) or `mean`. */
export type LogpReduction = 'sum' | 'mean';

/**
 * Next-token log-probs. logits [N, T, V], ids [N, T] → [N, T−1], where entry t is
 * log p(ids[t+1] | ids[≤t]).
 */
export function tokenLogProbs(logits: tf.Tensor3D, ids: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [N, T, V] = logits.shape;
    // Work on all T positions and slice the small [N, T] result: slicing the [N, T, V]
    // logits costs more than the model on the CPU backend. The last position's target is a
    // dummy 0 that the final slice drops.
    const next = tf.concat(
      [tf.slice(ids.toInt(), [0, 1], [N, T - 1]), tf.zeros([N, 1], 'int32')],
      1,
    );
    // Fused on WebGPU (no [N, T, V] one-hot); one-hot · logits − logSumExp elsewhere (not
    // tf.gather: its gradient is slow on the CPU backend).
    const flat = tf.reshape(logits, [N * T, V]) as tf.Tensor2D; // [N·T, V]
    const logp = tf.reshape(targetLogProbs(flat, tf.reshape(next, [N * T])), [N, T]); // [N, T]
    return tf.slice(logp, [0, 0], [N, T - 1]) as tf.Tensor2D; // [N, T−1]
  });
}

/**
 * Sum and count of completion-token log-probs. tokenLogps [N, T−1] from tokenLogProbs,
 * completionMask [N, T] (1 on completion tokens of ids) → each [N].
 */
export function sequenceLogProbs(
  tokenLogps: tf.Tensor2D,
  completionMask: tf.Tensor2D,
): SequenceLogps {
  return tf.tidy(() => {
    const [N, T] = completionMask.shape;
    const mask = tf.slice(completionMask.toFloat(), [0, 1], [N, T - 1]); // targets' mask
    return {
      sum: tf.sum(tf.mul(tokenLogps, mask), 1) as tf.Tensor1D,
      count: tf.sum(mask, 1) as tf.Tensor1D,
    };
  });
}

/** Σ or mean of completion log-probs per sequence: [N]. Mean of an empty completion is 0. */
export function reduceLogps(s: SequenceLogps, reduction: LogpReduction): tf.Tensor1D {
  if (reduction === 'sum') return s.sum;
  return tf.tidy(() => tf.div(s.sum, tf.maximum(s.count, 1)) as tf.Tensor1D);
}

/** Splits a [2B] tensor from a concatenated forward into its chosen and rejected halves. */
export function splitPairs<T extends tf.Tensor>(t: T): [T, T] {
  const half = (t.shape[0] ?? 0) / 2;
  if (!Number.isInteger(half)) throw new Error('concatenated batch must have an even row count');
  const [a, b] = tf.split(t, 2, 0) as [T, T];
  return [a, b];
}
