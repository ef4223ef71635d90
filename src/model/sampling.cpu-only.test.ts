import { describe, expect, it } from 'vitest';
import { mulberry32 } from './rng';
import {
  DEFAULT_SAMPLING,
  logSoftmaxRow,
  sampleToken,
  sampleTokenWithLogp,
  validateSampling,
} from './sampling';

const LOGITS = [Math.log(0.1), Math.log(0.2), Math.log(0.3), Math.log(0.4)];

function frequencies(opts: typeof DEFAULT_SAMPLING, n = 20_000, seed = 1): number[] {
  const rand = mulberry32(seed);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const t = sampleToken(LOGITS, opts, rand());
    counts[t] = (counts[t] ?? 0) + 1;
  }
  return counts.map((c) => c / n);
}

describe('sampleToken', () => {
  it('samples the softmax at temperature 1', () => {
    const f = frequencies(DEFAULT_SAMPLING);
    [0.1, 0.2, 0.3, 0.4].forEach((p, i) => {
      expect(Math.abs((f[i] ?? 0) - p)).toBeLessThan(0.012);
    });
  });

  it('temperature 0, top-k 1 and a tiny top-p are all greedy', () => {
    expect(sampleToken(LOGITS, { ...DEFAULT_SAMPLING, temperature: 0 }, 0.99)).toBe(3);
    expect(sampleToken(LOGITS, { ...DEFAULT_SAMPLING, topK: 1 }, 0.99)).toBe(3);
    expect(sampleToken(LOGITS, { ...DEFAULT_SAMPLING, topP: 0.01 }, 0.99)).toBe(3);
  });

  it('top-k keeps the k most likely, renormalised', () => {
    const f = frequencies({ ...DEFAULT_SAMPLING, topK: 2 });
    expect(f[0]).toBe(0);
    expect(f[1]).toBe(0);
    expect(Math.abs((f[3] ?? 0) - 4 / 7)).toBeLessThan(0.012);
  });

  it('top-p keeps the smallest head reaching p', () => {
    // 0.4 + 0.3 = 0.7 ≥ 0.65: tokens 3 and 2 only.
    const f = frequencies({ ...DEFAULT_SAMPLING, topP: 0.65 });
    expect((f[0] ?? 0) + (f[1] ?? 0)).toBe(0);
    expect(Math.abs((f[2] ?? 0) - 3 / 7)).toBeLessThan(0.012);
  });

  it('low temperature sharpens: p ∝ p_i^(1/T)', () => {
    const f = frequencies({ ...DEFAULT_SAMPLING, temperature: 0.5 });
    const z = 0.01 + 0.04 + 0.09 + 0.16;
    expect(Math.abs((f[3] ?? 0) - 0.16 / z)).toBeLessThan(0.012);
  });

  it('log-softmax is normalised and the PRNG is seeded', () => {
    const lp = logSoftmaxRow([1000, 1001, 999]);
    expect(Array.from(lp).reduce((a, x) => a + Math.exp(x), 0)).toBeCloseTo(1, 12);
    const a = mulberry32(42);
    const b = mulberry32(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(() => validateSampling({ temperature: -1, topK: 0, topP: 1 })).toThrow(/temperature/);
    expect(() => validateSampling({ temperature: 1, topK: 0, topP: 0 })).toThrow(/topP/);
  });

  it('sampleTokenWithLogp: at temperature 1 its log-softmax is logSoftmaxRow, value for value', () => {
    const rand = mulberry32(4);
    const row = Float32Array.from({ length: 257 }, () => 8 * rand() - 4);
    for (const u of [0, 0.13, 0.5, 0.999]) {
      const r = sampleTokenWithLogp(row, DEFAULT_SAMPLING, u);
      expect(r.token).toBe(sampleToken(row, DEFAULT_SAMPLING, u));
      expect(Array.from(r.logp ?? [])).toEqual(Array.from(logSoftmaxRow(row)));
    }
    expect(sampleTokenWithLogp(row, { ...DEFAULT_SAMPLING, temperature: 0 }, 0.5).logp).toBeNull();
  });
});
