import { describe, expect, it } from 'vitest';
import { downsample } from './downsample';

const pts = (n: number) => Array.from({ length: n }, (_, i) => ({ step: i + 1, v: i * i }));

describe('downsample', () => {
  it('returns short series unchanged (same array)', () => {
    const p = pts(10);
    expect(downsample(p, 10)).toBe(p);
    expect(downsample(p, 400)).toBe(p);
    expect(downsample([], 5)).toEqual([]);
  });

  it('keeps the first and last points and never exceeds max', () => {
    for (const n of [11, 12, 99, 100, 101, 257, 1000, 4097]) {
      for (const max of [2, 3, 7, 10, 64, 400]) {
        const out = downsample(pts(n), max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out.length).toBeGreaterThanOrEqual(Math.min(n, Math.ceil(max / 2)));
        expect(out[0]?.step).toBe(1);
        expect(out[out.length - 1]?.step).toBe(n);
      }
    }
  });

  it('strides evenly by a power of two', () => {
    const out = downsample(pts(10), 4);
    // stride 4: indices 0, 4, 8, then the last (9)
    expect(out.map((p) => p.step)).toEqual([1, 5, 9, 10]);
    const steps = downsample(pts(1000), 100).map((p) => p.step);
    const gaps = new Set(steps.slice(1, -1).map((s, i) => s - (steps[i] ?? 0)));
    expect([...gaps]).toEqual([16]);
  });

  it('keeps the same interior points as new points arrive, until the stride doubles', () => {
    const a = downsample(pts(300), 100).slice(0, -1);
    const b = downsample(pts(390), 100).slice(0, a.length);
    expect(b).toEqual(a);
  });

  it('handles degenerate max', () => {
    expect(downsample(pts(5), 0)).toEqual([]);
    expect(downsample(pts(5), 1)).toEqual([{ step: 5, v: 16 }]);
  });
});
