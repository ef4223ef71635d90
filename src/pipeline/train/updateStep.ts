/**
 * The one training contract: every trainer's update is `updateStep` — gradients of a loss
 * closure, clipped by their global norm, applied once. Algorithms differ only in the closure.
 */
import * as tf from '@tensorflow/tfjs';
import { wasmKernelActive } from '../../model/kernels/program';
import { CLIP_KERNEL, clipByGlobalNormFused } from '../../model/kernels/wasmOptim';

/** Scales grads so their global L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipByGlobalNorm(
  grads: tf.NamedTensorMap,
  maxNorm: number,
): { grads: tf.NamedTensorMap; norm: tf.Scalar } {
  // WASM: one JS kernel for all of it (kernels/wasmOptim.ts) instead of ≈ 4 per gradient.
  if (wasmKernelActive(CLIP_KERNEL)) return clipByGlobalNormFused(grads, maxNorm);
  // A chain of adds, not tf.addN: WebGPU's AddN binds one buffer per input and fails past
  // the device's storage-buffer limit (8 by default) — a model has dozens of tensors.
  const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
  const norm = tf.sqrt(squares.reduce((a, b) => tf.add(a, b), tf.scalar(0))) as tf.Scalar;
  if (!Number.isFinite(maxNorm)) return { grads, norm };
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
  const clipped: tf.NamedTensorMap = {};
  for (const [k, g] of Object.entries(grads)) clipped[k] = tf.mul(g, scale);
  return { grads: clipped, norm };
}

/** What a loss closure returns: the scalar to minimise and, optionally, values to report. */
export interface LossOutput {
  loss: tf.Scalar;
  /** Packed metrics (and any per-row values) [M]; absent: the loss itself, [1]. */
  report?: tf.Tensor1D;
}

/**
 * One update of `model`'s variables by −∇ loss, the gradients clipped to `maxGradNorm`
 * (Infinity: no clip). Returns [...report, grad_norm] on the device: read it on log steps only
 * (a GPU sync), then dispose it.
 */
export function updateStep(
  model: { variables(): tf.Variable[] },
  optimizer: tf.Optimizer,
  lossFn: () => LossOutput,
  maxGradNorm: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    const kept: { report?: tf.Tensor1D } = {}; // kept: it must outlive variableGrads' tidy
    const { value, grads } = tf.variableGrads(() => {
      const o = lossFn();
      if (o.report) kept.report = tf.keep(o.report);
      return o.loss;
    }, model.variables());
    const clipped = clipByGlobalNorm(grads, maxGradNorm);
    optimizer.applyGradients(clipped.grads);
    const head = kept.report ?? (tf.reshape(value, [1]) as tf.Tensor1D);
    const packed = tf.concat([head, tf.reshape(clipped.norm, [1])]) as tf.Tensor1D;
    if (kept.report) kept.report.dispose();
    return packed;
  });
}
