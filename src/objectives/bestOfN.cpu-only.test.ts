import { describe, expect, it } from 'vitest';
import { bestOfN, bestOfNKl } from './bestOfN';

describe('bestOfNKl', () => {
  it('is log n − (n − 1)/n', () => {
    expect(bestOfNKl(1)).toBe(0);
    expect(bestOfNKl(2)).toBeCloseTo(Math.LN2 - 0.5, 12); // 0.193147
    // ln 4 − 3/4 = 1.386294361 − 0.75
    expect(bestOfNKl(4)).toBeCloseTo(0.636294361, 9);
    expect(bestOfNKl(16)).toBeGreaterThan(bestOfNKl(8));
  });

  it('rejects n that is not a positive integer', () => {
    expect(() => bestOfNKl(0)).toThrow('n must be an integer ≥ 1');
    expect(() => bestOfNKl(2.5)).toThrow('n must be an integer ≥ 1');
  });
});

describe('bestOfN', () => {
  it('picks each prompt’s highest reward, the first on a tie', () => {
    const r = bestOfN([[0.1, 0.9, 0.3], [0.5, 0.5], [-2]]);
    expect(r.chosenIndex).toEqual([1, 0, 0]);
    expect(r.meanReward).toBeCloseTo((0.9 + 0.5 - 2) / 3, 12);
  });

  it('refuses empty input', () => {
    expect(() => bestOfN([])).toThrow('no prompts');
    expect(() => bestOfN([[1], []])).toThrow('prompt 1 has no candidates');
  });
});
