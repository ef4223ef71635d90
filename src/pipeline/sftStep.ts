/** One SFT / Preferred-FT update: token-mean NLL of the completion tokens, clipped. */
import * as tf from '@tensorflow/tfjs';
import { tokenLogProbs } from '../objectives/logprobs';
import { sftLoss } from '../objectives/losses';
import { type BatchTensors, type CausalLM, clipByGlobalNorm } from './preferenceStep';

export const SFT_METRIC_KEYS = ['loss', 'grad_norm'] as const;

/** Returns [loss, grad_norm] on the device; read it on log steps only, then dispose. */
export function sftStep(
  model: CausalLM,
  optimizer: tf.Optimizer,
  t: BatchTensors,
  maxGradNorm: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.forward(t.ids, { attentionMask: t.attentionMask, training: true });
      return sftLoss(tokenLogProbs(logits, t.ids), t.completionMask);
    }, model.variables());
    const clipped = clipByGlobalNorm(grads, maxGradNorm);
    optimizer.applyGradients(clipped.grads);
    return tf.stack([value, clipped.norm]) as tf.Tensor1D;
  });
}
