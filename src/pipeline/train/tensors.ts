/** What every trainer feeds its model: a causal LM and a collated batch as tensors. */
import * as tf from '@tensorflow/tfjs';
import type { SequenceBatch } from '../collate';

/** Anything with a causal-LM forward: ids [N, T] → logits [N, T, V]. */
export interface CausalLM {
  forward(
    ids: tf.Tensor2D,
    opts?: { attentionMask?: tf.Tensor2D; training?: boolean },
  ): tf.Tensor3D;
  variables(): tf.Variable[];
}

/** A collated batch on the device: ids, attention and completion masks, each [N, T]. */
export interface BatchTensors {
  ids: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  completionMask: tf.Tensor2D;
}

export function batchTensors(b: SequenceBatch): BatchTensors {
  const shape: [number, number] = [b.ids.length / b.length, b.length];
  return {
    ids: tf.tensor2d(b.ids, shape, 'int32'),
    attentionMask: tf.tensor2d(b.attentionMask, shape),
    completionMask: tf.tensor2d(b.completionMask, shape),
  };
}

export function disposeBatch(t: BatchTensors): void {
  tf.dispose([t.ids, t.attentionMask, t.completionMask]);
}
