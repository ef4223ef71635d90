import { describe, expect, it } from 'vitest';
import type { InspectorPair } from '../../pipeline/views';
import { inspectPair, logSigmoid, sigmoid } from './inspect';

const pair = (o: Partial<InspectorPair>): InspectorPair => ({
  index: 0,
  prompt: 'p',
  chosen: 'c',
  rejected: 'r',
  policyChosen: 0,
  policyRejected: 0,
  refChosen: 0,
  refRejected: 0,
  loss: 0,
  beta: 0.1,
  rewardChosen: 0,
  rewardRejected: 0,
  ...o,
});

describe('inspectPair', () => {
  it('gives h = 0, weight ½ and loss ln 2 when π_θ = π_ref', () => {
    const r = inspectPair(
      pair({ policyChosen: -12, refChosen: -12, policyRejected: -9, refRejected: -9 }),
    );
    expect(r.deltaChosen).toBe(0);
    expect(r.deltaRejected).toBe(0);
    expect(r.h).toBe(0);
    expect(r.gradWeight).toBe(0.5);
    expect(r.dpoLoss).toBeCloseTo(Math.LN2, 12);
  });

  it('matches hand-computed values', () => {
    // Δ_w = −10 − (−12) = 2, Δ_l = −11 − (−10) = −1, h = 3, β·h = 1.5
    // The loss's rewards β·Δ: 1 and −0.5.
    const r = inspectPair(
      pair({
        policyChosen: -10,
        refChosen: -12,
        policyRejected: -11,
        refRejected: -10,
        beta: 0.5,
        rewardChosen: 1,
        rewardRejected: -0.5,
      }),
    );
    expect(r.deltaChosen).toBe(2);
    expect(r.deltaRejected).toBe(-1);
    expect(r.h).toBe(3);
    expect(r.margin).toBe(1.5);
    // σ(−1.5) = 1 / (1 + e^1.5) = 0.18242552380635635
    expect(r.gradWeight).toBeCloseTo(0.18242552380635635, 12);
    // −log σ(1.5) = log(1 + e^−1.5) = 0.20141327798275246
    expect(r.dpoLoss).toBeCloseTo(0.20141327798275246, 12);
  });

  it('weights a wrongly ordered pair more', () => {
    const wrong = inspectPair(
      pair({
        policyChosen: -5,
        refChosen: -4,
        policyRejected: -3,
        refRejected: -4,
        beta: 1,
        rewardChosen: -1,
        rewardRejected: 1,
      }),
    );
    expect(wrong.h).toBe(-2);
    expect(wrong.gradWeight).toBeCloseTo(1 / (1 + Math.exp(-2)), 12); // σ(2) = 0.8808
    expect(wrong.gradWeight).toBeGreaterThan(0.5);
  });
});

describe('stable sigmoid', () => {
  it('stays finite and exact at extremes', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(-800)).toBeGreaterThanOrEqual(0);
    expect(logSigmoid(-1000)).toBe(-1000);
    expect(logSigmoid(1000)).toBe(0);
    expect(logSigmoid(0)).toBeCloseTo(-Math.LN2, 15);
    expect(sigmoid(-745)).not.toBeNaN();
  });
});
