import { describe, expect, it } from 'vitest';
import { addAgreementPoint, agreement, implicitMargin } from './agreement';

describe('implicitMargin', () => {
  it('is β·[(π_w − ref_w) − (π_l − ref_l)]', () => {
    // Δ_w = −10 − (−12) = 2, Δ_l = −9 − (−8) = −1, h = 3, β = 0.1 → 0.3
    const m = implicitMargin(
      { policyChosen: -10, refChosen: -12, policyRejected: -9, refRejected: -8 },
      0.1,
    );
    expect(m).toBeCloseTo(0.3, 12);
  });
});

describe('agreement', () => {
  const pair = (dw: number, dl: number) => ({
    policyChosen: -5 + dw,
    refChosen: -5,
    policyRejected: -7 + dl,
    refRejected: -7,
  });

  it('counts margin > 0 as agreeing, = 0 as a half, < 0 as disagreeing', () => {
    // margins (β = 0.5): +1, −0.5, 0, +0.25 → (2 + 0.5) / 4 = 0.625
    const a = agreement([pair(2, 0), pair(0, 1), pair(1, 1), pair(0.5, 0)], 0.5);
    expect(a).toMatchObject({ agree: 2, ties: 1, disagree: 1, n: 4 });
    expect(a.agreement).toBeCloseTo(0.625, 12);
    expect(a.meanMargin).toBeCloseTo((1 - 0.5 + 0 + 0.25) / 4, 12);
  });

  it('is exactly 0.5 when π_θ = π_ref (before training)', () => {
    const same = [-3, -8, -1.5].map((x) => ({
      policyChosen: x,
      refChosen: x,
      policyRejected: x - 1,
      refRejected: x - 1,
    }));
    expect(agreement(same, 0.1).agreement).toBe(0.5);
  });

  it('treats margins within the tolerance as ties, and is NaN with no pairs', () => {
    expect(agreement([pair(1e-7, 0)], 1, 1e-6).ties).toBe(1);
    expect(agreement([pair(1e-7, 0)], 1).agree).toBe(1);
    expect(agreement([], 0.1).agreement).toBeNaN();
  });
});

describe('addAgreementPoint', () => {
  it('keeps the series sorted by step and merges a point at the same step', () => {
    let s = addAgreementPoint([], { step: 20, heldOut: 0.75, heldOutN: 8 });
    s = addAgreementPoint(s, { step: 0, heldOut: 0.5, heldOutN: 8 });
    s = addAgreementPoint(s, { step: 20, heldOut: 0.75, heldOutN: 8, test: 0.9, testN: 10 });
    expect(s).toEqual([
      { step: 0, heldOut: 0.5, heldOutN: 8 },
      { step: 20, heldOut: 0.75, heldOutN: 8, test: 0.9, testN: 10 },
    ]);
  });
});
