/**
 * One optimisation step of a preference objective: a concatenated forward of chosen and
 * rejected through π_θ, the loss against cached π_ref log-probs, gradient clipping, update.
 * Model-agnostic beyond `forward`; runs alike in Node tests and in the worker.
 */
import * as tf from '@tensorflow/tfjs';
import { wasmKernelActive } from '../model/kernels/program';
import { CLIP_KERNEL, clipByGlobalNormFused } from '../model/kernels/wasmOptim';
import {
  type SequenceLogps,
  sequenceLogProbs,
  splitPairs,
  tokenLogProbs,
} from '../objectives/logprobs';
import { NEEDS_REFERENCE, type PreferenceLossConfig, preferenceLoss } from '../objectives/losses';
import { PREFERENCE_METRIC_KEYS, preferenceMetricsTensor } from '../objectives/metrics';
import type { PreferenceBatch, SequenceBatch } from './collate';

/** Anything with a causal-LM forward: ids [N, T] → logits [N, T, V]. */
export interface CausalLM {
  forward(
    ids: tf.Tensor2D,
    opts?: { attentionMask?: tf.Tensor2D; training?: boolean },
  ): tf.Tensor3D;
  variables(): tf.Variable[];
}

/** Per-row summed log-probs and token counts of a batch's 2B rows, on the CPU. */
export interface CachedLogps {
  sum: Float32Array;
  count: Float32Array;
}

/** Metric keys of a step's packed output: the TRL preference metrics, then grad_norm. */
export const STEP_METRIC_KEYS = [...PREFERENCE_METRIC_KEYS, 'grad_norm'] as const;

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

/** Summed completion log-probs of all 2B rows in one forward: SequenceLogps of [2B]. */
export function batchLogps(model: CausalLM, t: BatchTensors, training = false): SequenceLogps {
  return tf.tidy(() => {
    const logits = model.forward(t.ids, { attentionMask: t.attentionMask, training }); // [2B, T, V]
    return sequenceLogProbs(tokenLogProbs(logits, t.ids), t.completionMask);
  });
}

/**
 * π_ref's log-probs of a batch, read to the CPU once: the reference is frozen, so these are
 * cached per dataset (TRL's `precompute_ref_log_probs`).
 */
export async function referenceLogps(
  reference: CausalLM,
  b: PreferenceBatch,
): Promise<CachedLogps> {
  const t = batchTensors(b);
  const s = batchLogps(reference, t);
  const [sum, count] = await Promise.all([s.sum.data(), s.count.data()]);
  tf.dispose([t.ids, t.attentionMask, t.completionMask, s.sum, s.count]);
  return { sum: Float32Array.from(sum), count: Float32Array.from(count) };
}

function halves(c: CachedLogps, B: number): [SequenceLogps, SequenceLogps] {
  const part = (from: number): SequenceLogps => ({
    sum: tf.tensor1d(c.sum.subarray(from, from + B)),
    count: tf.tensor1d(c.count.subarray(from, from + B)),
  });
  return [part(0), part(B)];
}

/**
 * The loss of a batch as a scalar, its packed metrics [7] and, for the step inspector, the
 * per-pair [log π_θ(y_w) ×B, log π_θ(y_l) ×B, loss ×B] as perPair [3B].
 */
export function preferenceObjective(
  policy: CausalLM,
  t: BatchTensors,
  ref: CachedLogps | null,
  cfg: PreferenceLossConfig,
  B: number,
): { loss: tf.Scalar; metrics: tf.Tensor1D; perPair: tf.Tensor1D } {
  return tf.tidy(() => {
    const s = batchLogps(policy, t, true);
    const [sumW, sumL] = splitPairs(s.sum);
    const [countW, countL] = splitPairs(s.count);
    let refW: SequenceLogps | undefined;
    let refL: SequenceLogps | undefined;
    if (NEEDS_REFERENCE[cfg.type]) {
      if (!ref) throw new Error(`${cfg.type} needs reference log-probs`);
      [refW, refL] = halves(ref, B);
    }
    const out = preferenceLoss(
      {
        policyChosen: { sum: sumW, count: countW },
        policyRejected: { sum: sumL, count: countL },
        ...(refW && refL ? { refChosen: refW, refRejected: refL } : {}),
      },
      cfg,
    );
    return {
      loss: tf.mean(out.losses) as tf.Scalar,
      metrics: preferenceMetricsTensor(out, sumW, sumL),
      perPair: tf.concat([sumW, sumL, out.losses]) as tf.Tensor1D,
    };
  });
}

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

export interface StepOptions {
  loss: PreferenceLossConfig;
  /** Global grad-norm clip (reference code: 10); Infinity disables it. */
  maxGradNorm: number;
}

/** What a step returns, after one read of its packed tensor. */
export interface StepReadout {
  metrics: Record<(typeof STEP_METRIC_KEYS)[number], number>;
  /** Per pair of the batch: π_θ's summed log-probs of chosen and rejected, and the loss. */
  policyChosen: number[];
  policyRejected: number[];
  losses: number[];
}

/** Reads a preferenceStep output (a GPU→CPU sync: log steps only). */
export async function readStep(packed: tf.Tensor1D, B: number): Promise<StepReadout> {
  const v = Array.from(await packed.data());
  const k = STEP_METRIC_KEYS.length;
  const metrics = {} as StepReadout['metrics'];
  STEP_METRIC_KEYS.forEach((key, i) => {
    metrics[key] = v[i] ?? Number.NaN;
  });
  return {
    metrics,
    policyChosen: v.slice(k, k + B),
    policyRejected: v.slice(k + B, k + 2 * B),
    losses: v.slice(k + 2 * B, k + 3 * B),
  };
}

/**
 * One update of π_θ. Returns, packed on the device, STEP_METRIC_KEYS [8] then the per-pair
 * values [3B]: read it with readStep only on log steps; the caller disposes it.
 */
export function preferenceStep(
  policy: CausalLM,
  optimizer: tf.Optimizer,
  t: BatchTensors,
  ref: CachedLogps | null,
  opts: StepOptions,
  B: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    let kept: tf.Tensor1D[] = [];
    const { grads } = tf.variableGrads(() => {
      const o = preferenceObjective(policy, t, ref, opts.loss, B);
      kept = [tf.keep(o.metrics), tf.keep(o.perPair)];
      return o.loss;
    }, policy.variables());
    const clipped = clipByGlobalNorm(grads, opts.maxGradNorm);
    optimizer.applyGradients(clipped.grads);
    const [m, perPair] = kept;
    if (!m || !perPair) throw new Error('objective produced no metrics');
    const packed = tf.concat([m, tf.reshape(clipped.norm, [1]), perPair]) as tf.Tensor1D;
    tf.dispose(kept);
    return packed;
  });
}
