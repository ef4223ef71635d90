/** One SFT / Preferred-FT update: token-mean NLL of the completion tokens, clipped. */
import type * as tf from '@tensorflow/tfjs';
import { tokenLogProbs } from '../objectives/logprobs';
import { sftLoss } from '../objectives/losses';
import type { BatchTensors, CausalLM } from './train/tensors';
import { updateStep } from './train/updateStep';

/** The loss closure of SFT: token-mean NLL of the completion tokens of `t`. */
export function sftObjective(model: CausalLM, t: BatchTensors): () => { loss: tf.Scalar } {
  return () => {
    const logits = model.forward(t.ids, { attentionMask: t.attentionMask, training: true });
    return { loss: sftLoss(tokenLogProbs(logits, t.ids), t.completionMask) };
  };
}

/** Returns [loss, grad_norm] on the device; read it on log steps only, then dispose. */
export function sftStep(
  model: CausalLM,
  optimizer: tf.Optimizer,
  t: BatchTensors,
  maxGradNorm: number,
): tf.Tensor1D {
  return updateStep(model, optimizer, sftObjective(model, t), maxGradNorm);
}
