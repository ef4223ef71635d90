import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { nextTokenKl } from './kl';

// One row, two positions (the last has no next token), V = 2: π_θ logits (0, ln 2), π_ref (0, 0).
const policy = () =>
  tf.tensor3d([
    [
      [0, Math.log(2)],
      [5, -5],
    ],
  ]);
const reference = () =>
  tf.tensor3d([
    [
      [0, 0],
      [0, 0],
    ],
  ]);

describe('nextTokenKl', () => {
  it('at T = 1: p = (1/3, 2/3) against (1/2, 1/2)', async () => {
    const kl = nextTokenKl(policy(), reference(), 1);
    expect(kl.shape).toEqual([1, 1]);
    const hand = (1 / 3) * Math.log(2 / 3) + (2 / 3) * Math.log(4 / 3); // 0.0566
    expect((await kl.data())[0]).toBeCloseTo(hand, 5);
  });

  it('at T = 2: p ∝ (1, √2), a smaller KL than at T = 1; at T = 0.5, a larger one', async () => {
    const s = Math.SQRT2;
    const p = [1 / (1 + s), s / (1 + s)];
    const hand2 = (p[0] ?? 0) * Math.log(2 * (p[0] ?? 0)) + (p[1] ?? 0) * Math.log(2 * (p[1] ?? 0));
    const at2 = (await nextTokenKl(policy(), reference(), 2).data())[0] ?? Number.NaN;
    expect(at2).toBeCloseTo(hand2, 5); // 0.0147
    // T = 0.5: p ∝ (1, 4) = (0.2, 0.8).
    const hand05 = 0.2 * Math.log(0.4) + 0.8 * Math.log(1.6);
    const at05 = (await nextTokenKl(policy(), reference(), 0.5).data())[0] ?? Number.NaN;
    expect(at05).toBeCloseTo(hand05, 5); // 0.1927
    const at1 = (await nextTokenKl(policy(), reference(), 1).data())[0] ?? Number.NaN;
    expect(at2).toBeLessThan(at1 - 0.04);
    expect(at05).toBeGreaterThan(at1 + 0.1);
  });

  it('refuses a non-positive temperature', () => {
    expect(() => nextTokenKl(policy(), reference(), 0)).toThrow(/temperature/);
  });
});
