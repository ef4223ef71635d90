/**
 * TR-DPO's reference update (Gorbatovski et al. 2024; TRL `sync_ref_model`): every k steps
 * π_ref ← α·π_θ + (1−α)·π_ref, weight by weight; α = 1 is a hard copy.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt';

/** target ← α·source + (1−α)·target for every parameter (same config). */
export function mixWeights(target: GPT, source: GPT, alpha: number): void {
  if (!(alpha > 0 && alpha <= 1)) throw new Error(`α must be in (0, 1], got ${alpha}`);
  if (alpha === 1) {
    target.assign(source);
    return;
  }
  for (const [name, v] of target.params) {
    const src = source.params.get(name);
    if (!src) throw new Error(`no parameter ${name}`);
    const mixed = tf.tidy(() => tf.add(tf.mul(src, alpha), tf.mul(v, 1 - alpha)));
    v.assign(mixed);
    mixed.dispose();
  }
}

/** True after step `step` when the reference is due for a refresh. */
export function refSyncDue(step: number, every: number): boolean {
  return every > 0 && step > 0 && step % every === 0;
}
