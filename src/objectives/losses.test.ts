import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { values } from '../test/helpers';
import { leakCheckEach } from '../test/leaks';
import type { SequenceLogps } from './logprobs';
import {
  DEFAULT_LOSS,
  type PreferenceLogps,
  type PreferenceLossConfig,
  preferenceLoss,
  sftLoss,
  unlikelihoodLoss,
} from './losses';
import { PREFERENCE_METRIC_KEYS, preferenceMetricsTensor, readPacked } from './metrics';

// Independent scalar formulas in float64, for moderate arguments only.
const logSig = (z: number) => -Math.log1p(Math.exp(-z));
const seq = (sum: number[], count: number[]): SequenceLogps => ({
  sum: tf.tensor1d(sum),
  count: tf.tensor1d(count),
});

// Two pairs. Pair 0: Δw = −10 − (−11) = 1, Δl = −12 − (−11) = −1, h = 2.
// Pair 1: Δw = −20 − (−18) = −2, Δl = −9 − (−10) = 1, h = −3 (the reward orders it wrongly).
const POLICY_W = [-10, -20];
const POLICY_L = [-12, -9];
const REF_W = [-11, -18];
const REF_L = [-11, -10];
const COUNT_W = [4, 5];
const COUNT_L = [2, 3];
const H = [2, -3];

function inputs(): PreferenceLogps {
  return {
    policyChosen: seq(POLICY_W, COUNT_W),
    policyRejected: seq(POLICY_L, COUNT_L),
    refChosen: seq(REF_W, COUNT_W),
    refRejected: seq(REF_L, COUNT_L),
  };
}

async function lossesOf(cfg: Partial<PreferenceLossConfig>, x = inputs()) {
  const out = preferenceLoss(x, { ...DEFAULT_LOSS, ...cfg });
  return {
    losses: await values(out.losses),
    chosen: await values(out.chosenRewards),
    rejected: await values(out.rejectedRewards),
  };
}

function expectClose(actual: number[], expected: number[], tol = 1e-5) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(Math.abs(a - (expected[i] ?? Number.NaN))).toBeLessThan(tol);
  });
}

describe('preference losses: hand-computed values', () => {
  leakCheckEach();

  it('DPO sigmoid: −log σ(βh), rewards β·Δ', async () => {
    const r = await lossesOf({ type: 'sigmoid', beta: 0.1 });
    // −log σ(0.2) = log(1 + e^−0.2) = 0.598138869; −log σ(−0.3) = 0.854355244.
    expectClose(r.losses, [0.598138869, 0.854355244]);
    expectClose(r.chosen, [0.1, -0.2]);
    expectClose(r.rejected, [-0.1, 0.1]);
  });

  it('cDPO and robust DPO with ε = 0.1', async () => {
    const eps = 0.1;
    const beta = 0.5;
    const cdpo = await lossesOf({ type: 'cdpo', beta, labelSmoothing: eps });
    const robust = await lossesOf({ type: 'robust', beta, labelSmoothing: eps });
    const cdpoRef = H.map((h) => -(1 - eps) * logSig(beta * h) - eps * logSig(-beta * h));
    const robustRef = H.map(
      (h) => (-(1 - eps) * logSig(beta * h) + eps * logSig(-beta * h)) / (1 - 2 * eps),
    );
    expectClose(cdpo.losses, cdpoRef);
    expectClose(robust.losses, robustRef);
    // Pair 0 by hand: βh = 1; cDPO = 0.9·0.313261688 + 0.1·1.313261688 = 0.413261688.
    expect(cdpo.losses[0]).toBeCloseTo(0.413261688, 5);
  });

  it('IPO: (h − 1/(2β))²', async () => {
    const r = await lossesOf({ type: 'ipo', beta: 0.25 });
    expectClose(r.losses, [0, 25]); // 1/(2β) = 2: (2 − 2)² = 0, (−3 − 2)² = 25
  });

  it('hinge: max(0, 1 − βh)', async () => {
    const r = await lossesOf({ type: 'hinge', beta: 1 });
    expectClose(r.losses, [0, 4]);
  });

  it('RPO: DPO + α·NLL(y_w) per token', async () => {
    const r = await lossesOf({ type: 'rpo', beta: 0.1, rpoAlpha: 0.5 });
    // NLL per token of the chosen: 10/4 = 2.5 and 20/5 = 4.
    expectClose(r.losses, [0.598138869 + 0.5 * 2.5, 0.854355244 + 0.5 * 4]);
  });

  it('SimPO: −log σ(β(p̄_w − p̄_l) − γ), reference-free', async () => {
    const x = inputs();
    delete x.refChosen;
    delete x.refRejected;
    const r = await lossesOf({ type: 'simpo', beta: 2, simpoGamma: 0.5 }, x);
    // p̄_w = −2.5, −4; p̄_l = −6, −3.
    const pw = [-2.5, -4];
    const pl = [-6, -3];
    expectClose(
      r.losses,
      pw.map((w, i) => -logSig(2 * (w - (pl[i] ?? 0)) - 0.5)),
    );
    expectClose(r.chosen, [-5, -8]);
    expectClose(r.rejected, [-12, -6]);
  });

  it('ORPO: NLL(y_w) − λ·log σ(logodds p̄_w − logodds p̄_l)', async () => {
    const x = inputs();
    delete x.refChosen;
    delete x.refRejected;
    const r = await lossesOf({ type: 'orpo', beta: 0.1 }, x);
    const logOdds = (p: number) => p - Math.log(1 - Math.exp(p));
    const pw = [-2.5, -4];
    const pl = [-6, -3];
    const expected = pw.map((w, i) => -w - 0.1 * logSig(logOdds(w) - logOdds(pl[i] ?? 0)));
    expectClose(r.losses, expected);
    // Pair 0 by hand: logodds(−2.5) = −2.4211, logodds(−6) = −5.9975, σ(3.5764) → 0.02757.
    expect(r.losses[0]).toBeCloseTo(2.5 + 0.1 * 0.027586, 4);
  });

  it('mean reduction divides each log-prob by its token count before Δ', async () => {
    const r = await lossesOf({ type: 'sigmoid', beta: 1, reduction: 'mean' });
    // Δw = (−10 + 11)/4 = 0.25, Δl = (−12 + 11)/2 = −0.5 → h = 0.75.
    expect(r.losses[0]).toBeCloseTo(-logSig(0.75), 5);
    expect(r.chosen[0]).toBeCloseTo(0.25, 5);
  });

  it('π_θ = π_ref: loss ln 2, rewards 0, accuracy 0 (strict)', async () => {
    const same: PreferenceLogps = {
      policyChosen: seq(REF_W, COUNT_W),
      policyRejected: seq(REF_L, COUNT_L),
      refChosen: seq(REF_W, COUNT_W),
      refRejected: seq(REF_L, COUNT_L),
    };
    const out = preferenceLoss(same, DEFAULT_LOSS);
    const m = await readPacked(
      preferenceMetricsTensor(out, same.policyChosen.sum, same.policyRejected.sum),
      PREFERENCE_METRIC_KEYS,
    );
    expect(m.loss).toBeCloseTo(Math.LN2, 6);
    expect(m['rewards/chosen']).toBe(0);
    expect(m['rewards/margins']).toBe(0);
    expect(m['rewards/accuracies']).toBe(0);
    expect(m['logps/chosen']).toBeCloseTo((-11 - 18) / 2, 5);
    // Every pair a tie: each weighs σ(0) = ½ in the gradient.
    expect(m.grad_weight).toBeCloseTo(0.5, 6);
  });

  it('metrics follow TRL: margins, accuracies, logps', async () => {
    const x = inputs();
    const out = preferenceLoss(x, { ...DEFAULT_LOSS, beta: 0.1 });
    const m = await readPacked(
      preferenceMetricsTensor(out, x.policyChosen.sum, x.policyRejected.sum),
      PREFERENCE_METRIC_KEYS,
    );
    expect(m.loss).toBeCloseTo((0.598138869 + 0.854355244) / 2, 5);
    expect(m['rewards/chosen']).toBeCloseTo((0.1 - 0.2) / 2, 6);
    expect(m['rewards/rejected']).toBeCloseTo((-0.1 + 0.1) / 2, 6);
    expect(m['rewards/margins']).toBeCloseTo((0.2 - 0.3) / 2, 6);
    expect(m['rewards/accuracies']).toBe(0.5);
    expect(m['logps/chosen']).toBe(-15);
    expect(m['logps/rejected']).toBe(-10.5);
    // σ(r̂_l − r̂_w) per pair: margins 0.2 and −0.3 → (σ(−0.2) + σ(0.3)) / 2.
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    expect(m.grad_weight).toBeCloseTo((sig(-0.2) + sig(0.3)) / 2, 6);
  });

  it('stays finite for extreme margins', async () => {
    const x: PreferenceLogps = {
      policyChosen: seq([-1e4, 0], [1, 1]),
      policyRejected: seq([0, -1e4], [1, 1]),
      refChosen: seq([0, 0], [1, 1]),
      refRejected: seq([0, 0], [1, 1]),
    };
    const r = await lossesOf({ type: 'sigmoid', beta: 1 }, x);
    expect(r.losses[0]).toBeCloseTo(1e4, 0);
    expect(r.losses[1]).toBeCloseTo(0, 6);
  });

  it('rejects bad hyper-parameters', () => {
    expect(() => preferenceLoss(inputs(), { ...DEFAULT_LOSS, beta: 0 })).toThrow(/beta/);
    expect(() => preferenceLoss(inputs(), { ...DEFAULT_LOSS, labelSmoothing: 0.5 })).toThrow();
    const x = inputs();
    delete x.refChosen;
    expect(() => preferenceLoss(x, DEFAULT_LOSS)).toThrow(/reference/);
  });
});

describe('baselines: SFT NLL and unlikelihood', () => {
  it('SFT loss is the token-mean NLL over completion tokens', async () => {
    // ids of length 4 → 3 target positions; completion = tokens 2..3 → targets 1..2.
    const tokenLogps = tf.tensor2d([
      [-9, -1, -2],
      [-9, -3, -9],
    ]);
    const mask = tf.tensor2d([
      [0, 0, 1, 1],
      [0, 0, 1, 0],
    ]);
    const loss = sftLoss(tokenLogps, mask);
    expect((await loss.data())[0]).toBeCloseTo((1 + 2 + 3) / 3, 6);
    tf.dispose([tokenLogps, mask, loss]);
  });

  it('unlikelihood: −mean log π(y_w) − α·mean log(1 − π(y_l))', async () => {
    const chosen = {
      tokenLogps: tf.tensor2d([[-9, -1, -2]]),
      completionMask: tf.tensor2d([[0, 0, 1, 1]]),
    };
    const rejected = {
      tokenLogps: tf.tensor2d([[-9, Math.log(0.5), Math.log(0.1)]]),
      completionMask: tf.tensor2d([[0, 0, 1, 1]]),
    };
    const loss = unlikelihoodLoss(chosen, rejected, 2);
    const expected = 1.5 - 2 * ((Math.log(0.5) + Math.log(0.9)) / 2);
    expect((await loss.data())[0]).toBeCloseTo(expected, 5);
    tf.dispose([
      chosen.tokenLogps,
      chosen.completionMask,
      rejected.tokenLogps,
      rejected.completionMask,
      loss,
    ]);
  });
});
