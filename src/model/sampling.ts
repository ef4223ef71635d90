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

/** Samples a token id from one row of logits [V] with a uniform draw u ∈ [0, 1). */
export function sampleToken(logits: ArrayLike<number>, o: SamplingOptions, u: number): number {
  const V = logits.length;
  if (o.temperature === 0) {
    let best = 0;
    for (let i = 1; i < V; i++) if ((logits[i] ?? 0) > (logits[best] ?? 0)) best = i;
    return best;
  }
  const scaled = new Float64Array(V);
  for (let i = 0; i < V; i++) scaled[i] = (logits[i] ?? 0) / o.temperature;
  const logp = logSoftmaxRow(scaled);
  let candidates: number[];
  if (o.topK > 0 || o.topP < 1) {
    const order = Array.from({ length: V }, (_, i) => i).sort(
      (a, b) => (logp[b] ?? 0) - (logp[a] ?? 0) || a - b,
    );
    candidates = o.topK > 0 ? order.slice(0, o.topK) : order;
    if (o.topP < 1) {
      let mass = 0;
      let n = 0;
      while (n < candidates.length && mass < o.topP) {
        mass += Math.exp(logp[candidates[n] ?? 0] ?? 0);
        n++;
      }
      candidates = candidates.slice(0, Math.max(1, n));
    }
  } else {
    candidates = Array.from({ length: V }, (_, i) => i);
  }
  let total = 0;
  for (const c of candidates) total += Math.exp(logp[c] ?? 0);
  let acc = 0;
  const target = u * total;
  for (const c of candidates) {
    acc += Math.exp(logp[c] ?? 0);
    if (acc > target) return c;
  }
  return candidates[candidates.length - 1] ?? 0;
}
