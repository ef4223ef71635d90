import { describe, expect, it } from 'vitest';
import { MAX_SHADE, shadeAmount, shadeColor, shadeScale, signed, tokenRewards } from './tokenShade';

describe('token shading', () => {
  it('computes β·(log π_θ − log π_ref) per token', () => {
    const r = tokenRewards([-1, -2, -0.5], [-1.5, -1, -0.5], 0.1);
    expect(r[0]).toBeCloseTo(0.05, 12);
    expect(r[1]).toBeCloseTo(-0.1, 12);
    expect(r[2]).toBe(0);
    expect(tokenRewards([-1, -2], [-1], 1)[1]).toBeNaN();
  });

  it('scales by the 95th percentile of |r|, ignoring non-finite values', () => {
    const rewards = [
      ...Array.from({ length: 99 }, (_, i) => (i % 2 ? 1 : -1) * (i + 1) * 0.01),
      50,
    ];
    expect(shadeScale(rewards)).toBeCloseTo(0.96, 12);
    expect(shadeScale([Number.NaN])).toBe(1e-4);
    expect(shadeScale([0, 0])).toBe(1e-4);
  });

  it('shades proportionally, clipped, with the sign choosing the colour', () => {
    expect(shadeAmount(0.5, 1)).toBeCloseTo(0.5 * MAX_SHADE, 12);
    expect(shadeAmount(-3, 1)).toBe(MAX_SHADE);
    expect(shadeAmount(Number.NaN, 1)).toBe(0);
    expect(shadeColor(0, 1)).toBe('transparent');
    expect(shadeColor(2, 1)).toBe('color-mix(in srgb, var(--good) 80%, transparent)');
    expect(shadeColor(-0.25, 1)).toBe('color-mix(in srgb, var(--bad) 20%, transparent)');
  });

  it('writes signed numbers', () => {
    expect(signed(0.012345)).toBe('+0.0123');
    expect(signed(-1.5)).toBe('−1.5');
    expect(signed(0)).toBe('0');
    expect(signed(-2e-5)).toBe('−2.0e-5');
    expect(signed(Number.NaN)).toBe('—');
  });
});
