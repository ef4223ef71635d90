/** SFT data: documents joined into one token stream, batches are random windows of it. */
import { mulberry32 } from '../model/rng';
import type { SequenceBatch } from './collate';

/** [eot, doc₀…, eot, doc₁…, …, eot]: end-of-text separates (and starts) every document. */
export function tokenStream(docs: number[][], eot: number): Int32Array {
  const n = docs.reduce((a, d) => a + d.length + 1, 1);
  const out = new Int32Array(n);
  let i = 0;
  for (const d of docs) {
    out[i++] = eot;
    out.set(d, i);
    i += d.length;
  }
  out[i] = eot;
  return out;
}

/** Yields batches of B windows of length T from the stream, seeded. Every target counts. */
export function windowSampler(
  stream: Int32Array,
  B: number,
  T: number,
  seed: number,
): () => SequenceBatch {
  if (stream.length <= T) throw new Error(`corpus of ${stream.length} tokens is shorter than ${T}`);
  const rand = mulberry32(seed);
  return () => {
    const ids = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const start = Math.floor(rand() * (stream.length - T));
      ids.set(stream.subarray(start, start + T), b * T);
    }
    return {
      length: T,
      ids,
      attentionMask: new Float32Array(B * T).fill(1),
      completionMask: new Float32Array(B * T).fill(1),
    };
  };
}
