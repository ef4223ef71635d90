/** Choosing the next token from one row of logits, on the CPU: temperature, top-k, top-p. */

export interface SamplingOptions {
  /** Softmax temperature; 0 means greedy (argmax). */
  temperature: number;
  /** Keep only the k most likely tokens; 0 keeps all. */
  topK: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all. */
  topP: number;
}

export const DEFAULT_SAMPLING: SamplingOptions = { temperature: 1, topK: 0, topP: 1 };

export function validateSampling(o: SamplingOptions): void {
  if (!(o.temperature >= 0) || !Number.isFinite(o.temperature)) {
    throw new Error('temperature must be ≥ 0');
  }
  if (!Number.isInteger(o.topK) || o.topK < 0) throw new Error('topK must be an integer ≥ 0');
  if (!(o.topP > 0 && o.topP <= 1)) throw new Error('topP must be in (0, 1]');
}

/** Log-softmax of one row (float64 accumulation). */
export function logSoftmaxRow(logits: ArrayLike<number>): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] ?? 0);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] ?? 0) - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = (logits[i] ?? 0) - lse;
  return out;
}

/** Scratch for sampleTokenWithLogp's probabilities (sampling is synchronous; no allocation per row). */
let probs = new Float64Array(0);

/** Samples a token id from one row of logits [V] with a uniform draw u ∈ [0, 1). */
export function sampleToken(logits: ArrayLike<number>, o: SamplingOptions, u: number): number {
  return sampleTokenWithLogp(logits, o, u).token;
}

/**
 * sampleToken, also returning the log-softmax of logits / temperature it drew from (null when
 * greedy): at temperature 1 that is the token's log π, so the caller need not compute it again.
 */
export function sampleTokenWithLogp(
  logits: ArrayLike<number>,
  o: SamplingOptions,
  u: number,
): { token: number; logp: Float64Array | null } {
  const V = logits.length;
  if (o.temperature === 0) {
    let best = 0;
    for (let i = 1; i < V; i++) if ((logits[i] ?? 0) > (logits[best] ?? 0)) best = i;
    return { token: best, logp: null };
  }
  let scaled: ArrayLike<number> = logits; // x / 1 is x: no copy at temperature 1
  if (o.temperature !== 1) {
    const s = new Float64Array(V);
    for (let i = 0; i < V; i++) s[i] = (logits[i] ?? 0) / o.temperature;
    scaled = s;
  }
  const logp = logSoftmaxRow(scaled);
  if (o.topK === 0 && o.topP >= 1) {
    // Every token a candidate: each exp once (the same values and order as the general path).
    if (probs.length < V) probs = new Float64Array(V);
    const p = probs;
    let total = 0;
    for (let c = 0; c < V; c++) {
      p[c] = Math.exp(logp[c] ?? 0);
      total += p[c] ?? 0;
    }
    let acc = 0;
    const target = u * total;
    for (let c = 0; c < V; c++) {
      acc += p[c] ?? 0;
      if (acc > target) return { token: c, logp };
    }
    return { token: V - 1, logp };
  }
  const order = Array.from({ length: V }, (_, i) => i).sort(
    (a, b) => (logp[b] ?? 0) - (logp[a] ?? 0) || a - b,
  );
  let candidates = o.topK > 0 ? order.slice(0, o.topK) : order;
  if (o.topP < 1) {
    let mass = 0;
    let n = 0;
    while (n < candidates.length && mass < o.topP) {
      mass += Math.exp(logp[candidates[n] ?? 0] ?? 0);
      n++;
    }
    candidates = candidates.slice(0, Math.max(1, n));
  }
  let total = 0;
  for (const c of candidates) total += Math.exp(logp[c] ?? 0);
  let acc = 0;
  const target = u * total;
  for (const c of candidates) {
    acc += Math.exp(logp[c] ?? 0);
    if (acc > target) return { token: c, logp };
  }
  return { token: candidates[candidates.length - 1] ?? 0, logp };
}
