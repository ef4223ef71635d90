import { describe, expect, it } from 'vitest';
import { formatCompact, formatStep, niceTicks } from './format';

describe('formatCompact', () => {
  it('writes short numbers', () => {
    expect(formatCompact(0)).toBe('0');
    expect(formatCompact(Math.LN2)).toBe('0.693');
    expect(formatCompact(-12.345)).toBe('-12.3');
    expect(formatCompact(0.0012345)).toBe('0.00123');
    expect(formatCompact(1.5e-5)).toBe('1.5e−5');
    expect(formatCompact(523.7)).toBe('524');
    expect(formatCompact(12_345)).toBe('12.3K');
    expect(formatCompact(2_500_000)).toBe('2.5M');
    expect(formatCompact(1)).toBe('1');
  });
  it('survives non-finite and non-numbers', () => {
    expect(formatCompact(Number.NaN)).toBe('NaN');
    expect(formatCompact(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(formatCompact(undefined)).toBe('');
    expect(formatCompact('a')).toBe('a');
    expect(formatStep(1234)).toBe('1,234');
  });
});

describe('niceTicks', () => {
  it('covers the range with round steps', () => {
    expect(niceTicks(-4.05, 0)).toEqual([-5, -4, -3, -2, -1, 0]);
    expect(niceTicks(0.42, 0.84)).toEqual([0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.04, Math.LN2)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(3, 7)).toEqual([3, 4, 5, 6, 7]);
  });
  it('pads a flat series and rejects non-finite input', () => {
    expect(niceTicks(0.45, 0.45)).toEqual([0.4, 0.42, 0.44, 0.46, 0.48, 0.5]);
    expect(niceTicks(-2e-5, 3e-5)).toEqual([-2e-5, -1e-5, 0, 1e-5, 2e-5, 3e-5]);
    expect(niceTicks(0, 0)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(Number.NaN, 1)).toEqual([]);
  });
});
