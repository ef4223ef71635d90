/**
 * A scalar head, Linear C → 1, over a GPT's final hidden states (GPT.forwardHidden): read at
 * the last real token it is a reward model's score (as GPT2ForSequenceClassification), at
 * every position a PPO value head (as TRL's ValueHead). Its own variables, apart from the GPT.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * [B, T] one-hot of each row's last real token under a left- or right-padded mask [B, T];
 * a row with no real token picks position 0.
 */
export function lastTokenOneHot(attentionMask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const T = attentionMask.shape[1];
    const ranks = tf.mul(attentionMask.toFloat(), tf.range(1, T + 1)); // t+1 where real, else 0
    return tf.oneHot(tf.argMax(ranks, 1), T).toFloat() as tf.Tensor2D;
  });
}

export class ScalarHead {
  private constructor(
    /** [C, 1] */
    readonly weight: tf.Variable,
    /** [1] */
    readonly bias: tf.Variable,
  ) {}

  /** GPT-2-style init: weight N(0, 0.02), bias 0 (HF's initializer_range for the `score` head). */
  static create(nEmbd: number, seed = 0, trainable = true): ScalarHead {
    // +1: tfjs treats seed 0 as "unseeded".
    const w = tf.randomNormal([nEmbd, 1], 0, 0.02, 'float32', seed + 1);
    const b = tf.zeros([1]);
    const head = new ScalarHead(tf.variable(w, trainable), tf.variable(b, trainable));
    tf.dispose([w, b]);
    return head;
  }

  clone(trainable = this.weight.trainable): ScalarHead {
    return new ScalarHead(
      tf.tidy(() => tf.variable(this.weight.clone(), trainable)),
      tf.tidy(() => tf.variable(this.bias.clone(), trainable)),
    );
  }

  /** A scalar per position: hidden [B, T, C] → [B, T]. */
  perPosition(hidden: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      const [B, T, C] = hidden.shape;
      const flat = tf.reshape(hidden, [B * T, C]); // [B·T, C]
      return tf.reshape(tf.add(tf.matMul(flat, this.weight), this.bias), [B, T]) as tf.Tensor2D;
    });
  }

  /** The scalar at each row's last real token: hidden [B, T, C], mask [B, T] → [B]. */
  atLastToken(hidden: tf.Tensor3D, attentionMask: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(
      () =>
        tf.sum(tf.mul(this.perPosition(hidden), lastTokenOneHot(attentionMask)), 1) as tf.Tensor1D,
    );
  }

  /**
   * The per-position scalars summed over the positions `mask` marks (a completion's tokens):
   * hidden [B, T, C], mask [B, T] → [B]. A reward that adds up word by word (the sentiment
   * task's lexicon score) is a sum over positions, which this head can express directly and a
   * single last-token read has to squeeze into one hidden state.
   */
  pooled(hidden: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(
      () => tf.sum(tf.mul(this.perPosition(hidden), mask.toFloat()), 1) as tf.Tensor1D,
    );
  }

  variables(): tf.Variable[] {
    return [this.weight, this.bias];
  }

  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
  }
}
