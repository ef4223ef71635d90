/**
 * Plain sampling (no top-k/p) of one token per row on the backend, for generate's decoding
 * loop on WASM: the backend's SIMD softmax instead of two Math.exp passes per logit in JS
 * (sampling.ts), and a [B, 2] read instead of the [B, V] logits. Where the kernel is not
 * registered (every backend but WASM) generate samples in JS, as it always did.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * logits [B, V], u [B] uniform draws, attr temperature > 0 → [B, 2] = (token, log π(token)):
 * token = the first v with Σ_{w ≤ v} p_w > u·Σ p (p = softmax(logits / temperature)), as
 * sampleToken; log π at temperature 1, as generate's log-probs.
 */
export const SAMPLE_ROWS_KERNEL = 'DpoSampleRows';

type KernelAttrs = Parameters<ReturnType<typeof tf.engine>['runKernel']>[2];

/** Whether sampleRowsFused can run: the WASM backend with the kernel registered. */
export function sampleRowsActive(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(SAMPLE_ROWS_KERNEL, 'wasm') !== undefined;
}

/** Tokens and their log π for each row: logits [B, V], draws u [B] → [B, 2]. */
export function sampleRowsFused(
  logits: tf.Tensor2D,
  u: tf.Tensor1D,
  temperature: number,
): tf.Tensor2D {
  const attrs = { temperature } as unknown as KernelAttrs;
  return tf.engine().runKernel(SAMPLE_ROWS_KERNEL, { logits, u }, attrs) as tf.Tensor2D;
}
