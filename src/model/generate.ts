/**
 * Autoregressive sampling with a KV cache: prompts are left-padded into one batch, the cache
 * grows by one position per step, and each step reads only the last position's logits [B, V].
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT, KVCache } from './gpt';
import { sampleRowsActive, sampleRowsFused } from './kernels/sampleRows';
import { mulberry32 } from './rng';
import {
  logSoftmaxRow,
  type SamplingOptions,
  sampleTokenWithLogp,
  validateSampling,
} from './sampling';

export interface GenerateOptions extends SamplingOptions {
  /** Upper bound on new tokens; also capped by the context (blockSize − prompt length). */
  maxNewTokens: number;
  seed: number;
  /** End-of-text id: a row stops after emitting it (the token is kept in the output). */
  eotId: number;
  /** Padding id for left padding (any id; padding is masked). */
  padId?: number;
}

/**
 * Options that sample from the whole distribution at the given temperature (top-k 0, top-p 1):
 * how DPO's data, every evaluation and PPO's rollouts draw from a policy.
 */
export function plainSampling(o: Omit<GenerateOptions, 'topK' | 'topP'>): GenerateOptions {
  return { ...o, topK: 0, topP: 1 };
}

export interface Generation {
  /** Completion ids per prompt, ending with eotId where the row stopped. */
  tokens: number[][];
  /**
   * log π(token | context) per completion token under the model itself (temperature 1, no
   * top-k/p), the quantity DPO's log-ratios and the KL estimate need.
   */
  logprobs: number[][];
  /** Whether the row ended with end-of-text (rather than the length limit). */
  finished: boolean[];
}

function disposeCache(c: KVCache | undefined): void {
  if (c) tf.dispose([...c.k, ...c.v]);
}

export async function generate(
  model: GPT,
  prompts: number[][],
  opts: GenerateOptions,
): Promise<Generation> {
  validateSampling(opts);
  const B = prompts.length;
  if (B === 0) return { tokens: [], logprobs: [], finished: [] };
  if (prompts.some((p) => p.length === 0)) throw new Error('every prompt needs ≥ 1 token');
  const Lp = Math.max(...prompts.map((p) => p.length));
  const maxNew = Math.min(opts.maxNewTokens, model.config.blockSize - Lp);
  if (maxNew < 1) throw new Error(`prompt of ${Lp} tokens leaves no room in the context`);
  const pad = opts.padId ?? opts.eotId;
  const rand = mulberry32(opts.seed);

  // Left-padded prompts: [B, Lp].
  const ids = new Int32Array(B * Lp).fill(pad);
  const mask = new Float32Array(B * Lp);
  const positions = new Int32Array(B * Lp);
  prompts.forEach((p, b) => {
    const off = Lp - p.length;
    p.forEach((tok, t) => {
      ids[b * Lp + off + t] = tok;
      mask[b * Lp + off + t] = 1;
      positions[b * Lp + off + t] = t;
    });
  });
  const lengths = prompts.map((p) => p.length); // real tokens so far, per row
  let keyMask = tf.tensor2d(mask, [B, Lp]);
  let input = {
    ids: tf.tensor2d(ids, [B, Lp], 'int32'),
    positions: tf.tensor2d(positions, [B, Lp], 'int32'),
  };
  let cache: KVCache | undefined;

  // WASM: plain sampling on the backend (kernels/sampleRows.ts); JS (sampling.ts) elsewhere.
  const fused = sampleRowsActive() && opts.temperature > 0 && opts.topK === 0 && opts.topP >= 1;
  const tokens: number[][] = prompts.map(() => []);
  const logprobs: number[][] = prompts.map(() => []);
  const finished = prompts.map(() => false);
  try {
    for (let step = 0; step < maxNew; step++) {
      const out = model.step({ ...input, keyMask, ...(cache ? { cache } : {}) });
      disposeCache(cache);
      cache = out.cache;
      const Tn = out.logits.shape[1];
      const last = tf.tidy(() =>
        tf.reshape(tf.slice(out.logits, [0, Tn - 1, 0], [B, 1, -1]), [B, -1]),
      ) as tf.Tensor2D; // [B, V]
      out.logits.dispose();
      const draws = Float64Array.from({ length: B }, () => rand()); // every row: rows independent
      const picks = fused ? await sampleOnBackend(last, draws, opts.temperature) : null;
      const rows = picks ? null : await last.data();
      last.dispose();
      const next = new Int32Array(B).fill(pad); // finished rows feed padding
      for (let b = 0; b < B; b++) {
        if (finished[b]) continue;
        let tok: number;
        let lp: number;
        if (picks) {
          tok = picks[2 * b] as number;
          lp = picks[2 * b + 1] as number;
        } else {
          const V = (rows as Float32Array).length / B;
          const row = (rows as Float32Array).subarray(b * V, (b + 1) * V);
          const r = sampleTokenWithLogp(row, opts, draws[b] as number);
          tok = r.token;
          // At temperature 1 the sampler's log-softmax is the model's (the same float64 values).
          lp = ((opts.temperature === 1 && r.logp) || logSoftmaxRow(row))[tok] ?? Number.NaN;
        }
        tokens[b]?.push(tok);
        logprobs[b]?.push(lp);
        next[b] = tok;
        if (tok === opts.eotId) finished[b] = true;
      }
      if (finished.every(Boolean) || step === maxNew - 1) break;
      // Finished rows keep decoding (ignored): rows never attend to each other.
      const nextPos = Int32Array.from(lengths);
      for (let b = 0; b < B; b++) lengths[b] = (lengths[b] ?? 0) + 1;
      tf.dispose([input.ids, input.positions]);
      input = {
        ids: tf.tensor2d(next, [B, 1], 'int32'),
        positions: tf.tensor2d(nextPos, [B, 1], 'int32'),
      };
      const grown = tf.tidy(() => tf.concat([keyMask, tf.ones([B, 1])], 1) as tf.Tensor2D);
      keyMask.dispose();
      keyMask = grown;
    }
  } finally {
    disposeCache(cache);
    tf.dispose([input.ids, input.positions, keyMask]);
  }
  return { tokens, logprobs, finished };
}

/** (token, log π) per row from the backend's sampler: last [B, V], draws [B] → [B·2]. */
async function sampleOnBackend(
  last: tf.Tensor2D,
  draws: Float64Array,
  temperature: number,
): Promise<Float32Array> {
  const picked = tf.tidy(() =>
    sampleRowsFused(last, tf.tensor1d(Float32Array.from(draws)), temperature),
  );
  const v = (await picked.data()) as Float32Array;
  picked.dispose();
  return v;
}
