/**
 * One optimisation step of a preference objective: a concatenated forward of chosen and
 * rejected through π_θ, the loss against cached π_ref log-probs, gradient clipping, update.
 * Model-agnostic beyond `forward`; runs alike in Node tests and in the worker.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type SequenceLogps,
  sequenceLogProbs,
  splitPairs,
  tokenLogProbs,
} from '../objectives/logprobs';
import { NEEDS_REFERENCE, type PreferenceLossConfig, preferenceLoss } from '../objectives/losses';
import { PREFERENCE_METRIC_KEYS, preferenceMetricsTensor } from '../objectives/metrics';
import type { PreferenceBatch } from './collate';
import { type BatchTensors, batchTensors, type CausalLM, disposeBatch } from './train/tensors';
import { type LossOutput, updateStep } from './train/updateStep';

/** Per-row summed log-probs and token counts of a batch's 2B rows, on the CPU. */
export interface CachedLogps {
  sum: Float32Array;
  count: Float32Array;
}

/** Metric keys of a step's packed output: the TRL preference metrics, then grad_norm. */
const STEP_METRIC_KEYS = [...PREFERENCE_METRIC_KEYS, 'grad_norm'] as const;

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
  disposeBatch(t);
  tf.dispose([s.sum, s.count]);
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
 * The loss of a batch as a scalar, its packed metrics [8] and, for the step inspector, the
 * per-pair [log π_θ(y_w) ×B, log π_θ(y_l) ×B, loss ×B, r̂_w ×B, r̂_l ×B] as perPair [5B]
 * (r̂ as the objective computes it: β·Δ, or β·p̄ for the reference-free ones).
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
      perPair: tf.concat([
        sumW,
        sumL,
        out.losses,
        out.chosenRewards,
        out.rejectedRewards,
      ]) as tf.Tensor1D,
    };
  });
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
  /** The objective's implicit rewards of chosen and rejected. */
  rewardsChosen: number[];
  rewardsRejected: number[];
}

/** Reads a preferenceStep output (a GPU→CPU sync: log steps only). */
export async function readStep(packed: tf.Tensor1D, B: number): Promise<StepReadout> {
  return parseStep(Array.from(await packed.data()), B);
}

/** A preferenceStep output read back: metrics [8], per-pair values [5B], grad_norm. */
export function parseStep(v: number[], B: number): StepReadout {
  const k = PREFERENCE_METRIC_KEYS.length;
  const metrics = {} as StepReadout['metrics'];
  PREFERENCE_METRIC_KEYS.forEach((key, i) => {
    metrics[key] = v[i] ?? Number.NaN;
  });
  metrics.grad_norm = v[k + 5 * B] ?? Number.NaN;
  return {
    metrics,
    policyChosen: v.slice(k, k + B),
    policyRejected: v.slice(k + B, k + 2 * B),
    losses: v.slice(k + 2 * B, k + 3 * B),
    rewardsChosen: v.slice(k + 3 * B, k + 4 * B),
    rewardsRejected: v.slice(k + 4 * B, k + 5 * B),
  };
}

/**
 * One update of π_θ. Returns, packed on the device, PREFERENCE_METRIC_KEYS [8], the per-pair
 * values [5B], then grad_norm [1]: read it with readStep only on log steps; the caller
 * disposes it.
 */
export function preferenceStep(
  policy: CausalLM,
  optimizer: tf.Optimizer,
  t: BatchTensors,
  ref: CachedLogps | null,
  opts: StepOptions,
  B: number,
): tf.Tensor1D {
  return updateStep(
    policy,
    optimizer,
    preferenceLossFn(policy, t, ref, opts.loss, B),
    opts.maxGradNorm,
  );
}

/** The loss closure of a preference step; its report is [metrics [8], perPair [5B]]. */
export function preferenceLossFn(
  policy: CausalLM,
  t: BatchTensors,
  ref: CachedLogps | null,
  cfg: PreferenceLossConfig,
  B: number,
): () => LossOutput {
  return () => {
    const o = preferenceObjective(policy, t, ref, cfg, B);
    return { loss: o.loss, report: tf.concat([o.metrics, o.perPair]) as tf.Tensor1D };
  };
}
