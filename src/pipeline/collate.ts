/**
 * Batching of tokenised preference pairs for one concatenated forward (reference DPO code,
 * `concatenated_inputs`): chosen and rejected right-padded to one length and stacked, the
 * first B rows chosen, the last B rejected.
 */

export interface TokenizedPair {
  /** Prompt ids; at least one token (the pipeline starts every prompt with end-of-text). */
  prompt: number[];
  chosen: number[];
  rejected: number[];
}

/** 2B rows: the B chosen, then the B rejected. */
export interface PreferenceBatch extends SequenceBatch {
  /** Pairs in the batch (B). */
  pairs: number;
  /** Pairs whose prompt or completion was cut to fit maxLength. */
  truncated: number;
}

export interface CollateOptions {
  padId: number;
  /** The model's context length; longer rows are truncated. */
  maxLength: number;
  /**
   * Round the padded length up to a multiple of this (capped at maxLength), so batches repeat
   * a few shapes. Default 1: the longest row. Measured: on the CPU backend 16 costs ≈ 30 % per
   * step (more tokens) and tfjs-webgpu keys its pipelines by rank, not length, so a new length
   * rarely compiles anything. Masks make extra padding change no result.
   */
  lengthBucket?: number;
}

/** The padded length for a longest row of `longest` tokens: ⌈longest / bucket⌉·bucket ≤ cap. */
export function bucketLength(longest: number, bucket: number, cap: number): number {
  if (!Number.isInteger(bucket) || bucket < 1) throw new Error('lengthBucket must be ≥ 1');
  return Math.max(longest, Math.min(cap, Math.ceil(longest / bucket) * bucket));
}

/**
 * Fits prompt + completion into maxLength: the prompt keeps its end (the tokens nearest the
 * completion), down to one token; then the completion keeps its start.
 */
export function fitToLength(
  prompt: number[],
  completion: number[],
  maxLength: number,
): { prompt: number[]; completion: number[]; truncated: boolean } {
  if (prompt.length === 0) throw new Error('prompt must have at least one token');
  if (maxLength < 2) throw new Error('maxLength must be ≥ 2');
  if (prompt.length + completion.length <= maxLength) {
    return { prompt, completion, truncated: false };
  }
  const keepPrompt = Math.max(1, maxLength - completion.length);
  const p = prompt.slice(prompt.length - keepPrompt);
  return { prompt: p, completion: completion.slice(0, maxLength - p.length), truncated: true };
}

export function collatePairs(pairs: TokenizedPair[], opts: CollateOptions): PreferenceBatch {
  const B = pairs.length;
  if (B === 0) throw new Error('empty batch');
  let truncated = 0;
  const rows: { prompt: number[]; completion: number[] }[] = [];
  const fitted = pairs.map((p) => {
    const c = fitToLength(p.prompt, p.chosen, opts.maxLength);
    const r = fitToLength(p.prompt, p.rejected, opts.maxLength);
    if (c.truncated || r.truncated) truncated++;
    return { c, r };
  });
  for (const f of fitted) rows.push(f.c);
  for (const f of fitted) rows.push(f.r);
  const longest = Math.max(...rows.map((r) => r.prompt.length + r.completion.length));
  const length = bucketLength(longest, opts.lengthBucket ?? 1, opts.maxLength);
  const seqs = collateSequences(rows, opts.padId, length);
  return { pairs: B, truncated, ...seqs };
}

export interface SequenceBatch {
  /** Padded length T. */
  length: number;
  /** [N, T] token ids, right-padded. */
  ids: Int32Array;
  /** [N, T] 1 on real tokens. */
  attentionMask: Float32Array;
  /** [N, T] 1 on completion tokens. */
  completionMask: Float32Array;
}

/** Right-pads prompt + completion rows to `length` (default and minimum: the longest row). */
export function collateSequences(
  rows: { prompt: number[]; completion: number[] }[],
  padId: number,
  length = 1,
): SequenceBatch {
  const T = Math.max(length, ...rows.map((r) => r.prompt.length + r.completion.length));
  const ids = new Int32Array(rows.length * T).fill(padId);
  const attentionMask = new Float32Array(rows.length * T);
  const completionMask = new Float32Array(rows.length * T);
  rows.forEach((row, i) => {
    [...row.prompt, ...row.completion].forEach((tok, t) => {
      ids[i * T + t] = tok;
      attentionMask[i * T + t] = 1;
      if (t >= row.prompt.length) completionMask[i * T + t] = 1;
    });
  });
  return { length: T, ids, attentionMask, completionMask };
}
