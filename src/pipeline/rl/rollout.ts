/**
 * A PPO rollout batch laid out for one forward: prompts left-padded to Lp (as generate.ts
 * feeds them), completions right-padded to L, so completion token j of every row is at
 * position Lp + j and its log-prob and value sit in one [N, L] slice.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../../model/gpt';
import type { ScalarHead } from '../../model/scalarHead';
import { tokenLogProbs } from '../../objectives/logprobs';
import type { Rows } from '../../objectives/ppo';

export interface RolloutLayout {
  rows: number;
  /** Lp: the longest prompt. */
  promptLength: number;
  /** L: the longest completion. */
  completionLength: number;
  /** [N, Lp + L] ids and 1-on-real-token mask, row-major. */
  ids: Int32Array;
  attentionMask: Float32Array;
  /** [N][L] 1 on real completion tokens. */
  completionMask: Rows;
}

export function layoutRollout(
  prompts: number[][],
  completions: number[][],
  padId: number,
): RolloutLayout {
  const N = prompts.length;
  if (N === 0 || completions.length !== N) throw new Error('need one completion per prompt');
  if (prompts.some((p) => p.length === 0)) throw new Error('every prompt needs ≥ 1 token');
  const Lp = Math.max(...prompts.map((p) => p.length));
  const L = Math.max(1, ...completions.map((c) => c.length));
  const T = Lp + L;
  const ids = new Int32Array(N * T).fill(padId);
  const attentionMask = new Float32Array(N * T);
  prompts.forEach((p, i) => {
    const completion = completions[i] ?? [];
    p.forEach((tok, t) => {
      ids[i * T + Lp - p.length + t] = tok;
      attentionMask[i * T + Lp - p.length + t] = 1;
    });
    completion.forEach((tok, j) => {
      ids[i * T + Lp + j] = tok;
      attentionMask[i * T + Lp + j] = 1;
    });
  });
  const completionMask = completions.map((c) =>
    Array.from({ length: L }, (_, j) => (j < c.length ? 1 : 0)),
  );
  return { rows: N, promptLength: Lp, completionLength: L, ids, attentionMask, completionMask };
}

export type RolloutTensors = { ids: tf.Tensor2D; attentionMask: tf.Tensor2D };

/** ids and mask [M, Lp + L] of the chosen rows (all rows by default). */
export function rolloutTensors(layout: RolloutLayout, rows?: number[]): RolloutTensors {
  const T = layout.promptLength + layout.completionLength;
  const pick = rows ?? Array.from({ length: layout.rows }, (_, i) => i);
  const ids = new Int32Array(pick.length * T);
  const mask = new Float32Array(pick.length * T);
  pick.forEach((r, k) => {
    ids.set(layout.ids.subarray(r * T, (r + 1) * T), k * T);
    mask.set(layout.attentionMask.subarray(r * T, (r + 1) * T), k * T);
  });
  return {
    ids: tf.tensor2d(ids, [pick.length, T], 'int32'),
    attentionMask: tf.tensor2d(mask, [pick.length, T]),
  };
}

/** The [N, L] slice, from column Lp − 1, of a per-position [N, ≥ T − 1] tensor. */
function completionSlice(perTarget: tf.Tensor2D, layout: RolloutLayout): tf.Tensor2D {
  const N = perTarget.shape[0];
  // Target index Lp − 1 + j predicts completion token j (at position Lp + j).
  return tf.slice(perTarget, [0, layout.promptLength - 1], [N, layout.completionLength]);
}

export type PolicyValues = {
  /** [N, L] log π(y_j | x, y_<j). */
  logps: tf.Tensor2D;
  /** [N, L] V of the state before y_j (the value head at position Lp − 1 + j). */
  values: tf.Tensor2D;
};

/** One forward of the policy trunk for both log-probs and values (gradients flow). */
export function policyValues(
  policy: GPT,
  valueHead: ScalarHead,
  t: RolloutTensors,
  layout: RolloutLayout,
  training: boolean,
): PolicyValues {
  return tf.tidy((): PolicyValues => {
    const { hidden, logits } = policy.forwardHidden(t.ids, {
      attentionMask: t.attentionMask,
      training,
    });
    if (!logits) throw new Error('forwardHidden returned no logits');
    return {
      logps: completionSlice(tokenLogProbs(logits, t.ids), layout),
      values: completionSlice(valueHead.perPosition(hidden), layout), // from [N, T]
    };
  });
}

/** [N, L] completion log-probs under a model (π_ref). */
export function completionLogps(model: GPT, t: RolloutTensors, layout: RolloutLayout): tf.Tensor2D {
  return tf.tidy(() => {
    const logits = model.forward(t.ids, { attentionMask: t.attentionMask });
    return completionSlice(tokenLogProbs(logits, t.ids), layout);
  });
}

/** Row-major values [N·L] → rows [N][L]. */
export function toRows(flat: ArrayLike<number>, n: number, l: number): Rows {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: l }, (_, j) => flat[i * l + j] ?? Number.NaN),
  );
}

/** The chosen rows of [N][L] as a tensor [M, L]. */
export function rowsTensor(rows: Rows, pick: number[]): tf.Tensor2D {
  const l = rows[0]?.length ?? 0;
  return tf.tensor2d(
    pick.flatMap((r) => rows[r] ?? new Array<number>(l).fill(0)),
    [pick.length, l],
  );
}
