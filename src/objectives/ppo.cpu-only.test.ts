import { describe, expect, it } from 'vitest';
import {
  AdaptiveKlController,
  FixedKlController,
  gae,
  klPenalizedRewards,
  type Rows,
  runScaledKlHorizon,
  whiten,
} from './ppo';

function expectRows(actual: Rows, expected: Rows, digits = 10) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    expect(row.length).toBe(expected[i]?.length);
    row.forEach((x, t) => {
      expect(x).toBeCloseTo(expected[i]?.[t] ?? Number.NaN, digits);
    });
  });
}

describe('klPenalizedRewards', () => {
  it('puts −β·(log π − log π_ref) on every real token and the score on the last', () => {
    const r = klPenalizedRewards(
      [
        [-1, -2, -3],
        [-0.5, -4, 0],
      ],
      [
        [-1.5, -1, -3],
        [-1, -3, 0],
      ],
      [
        [1, 1, 1],
        [1, 1, 0],
      ],
      [2, -1],
      0.1,
    );
    // Row 0: log-ratios 0.5, −1, 0 → −0.05, 0.1, 0 (+2 on the last). Row 1: 0.5, −1, pad.
    expectRows(r.nonScoreRewards, [
      [-0.05, 0.1, 0],
      [-0.05, 0.1, 0],
    ]);
    expectRows(r.rewards, [
      [-0.05, 0.1, 2],
      [-0.05, -0.9, 0],
    ]);
    expect(r.kl[0]).toBeCloseTo(-0.5, 12);
    expect(r.kl[1]).toBeCloseTo(-0.5, 12);
  });

  it('refuses a row with no completion token', () => {
    expect(() => klPenalizedRewards([[0]], [[0]], [[0]], [1], 0.1)).toThrow(
      'row 0 has no completion tokens',
    );
  });
});

describe('gae', () => {
  it('matches a hand-computed 3-step example with γ = 0.9, λ = 0.8 and a padded row', () => {
    const { advantages, returns } = gae(
      [
        [0.1, -0.2, 1.0],
        [0.3, 0.5, 9],
      ],
      [
        [0.5, 0.4, 0.3],
        [0.2, 0.1, 7],
      ],
      [
        [1, 1, 1],
        [1, 1, 0],
      ],
      0.9,
      0.8,
    );
    // Row 0: δ₂ = 1 − 0.3 = 0.7; δ₁ = −0.2 + 0.9·0.3 − 0.4 = −0.33, A₁ = −0.33 + 0.72·0.7 =
    // 0.174; δ₀ = 0.1 + 0.9·0.4 − 0.5 = −0.04, A₀ = −0.04 + 0.72·0.174 = 0.08528.
    // Row 1 ends at t = 1 (its reward 9 and value 7 at t = 2 are padding): δ₁ = 0.5 − 0.1 =
    // 0.4; δ₀ = 0.3 + 0.9·0.1 − 0.2 = 0.19, A₀ = 0.19 + 0.72·0.4 = 0.478.
    expectRows(advantages, [
      [0.08528, 0.174, 0.7],
      [0.478, 0.4, 0],
    ]);
    expectRows(returns, [
      [0.58528, 0.574, 1.0],
      [0.678, 0.5, 0],
    ]);
  });

  it('with γ = λ = 1 and zero values, advantages are the rewards-to-go', () => {
    const { advantages } = gae([[1, 2, 3]], [[0, 0, 0]], [[1, 1, 1]], 1, 1);
    expectRows(advantages, [[6, 5, 3]]);
  });
});

describe('whiten', () => {
  it('standardises over the real tokens only', () => {
    // Real values 1, 3, 5: mean 3, population variance 8/3.
    const sd = Math.sqrt(8 / 3);
    const x = [
      [1, 3],
      [5, 100],
    ];
    const mask = [
      [1, 1],
      [1, 0],
    ];
    expectRows(
      whiten(x, mask),
      [
        [-2 / sd, 0],
        [2 / sd, 0],
      ],
      6,
    );
    expectRows(
      whiten(x, mask, false),
      [
        [3 - 2 / sd, 3],
        [3 + 2 / sd, 0],
      ],
      6,
    );
  });
});

describe('KL controllers', () => {
  it('adaptive: β·(1 + clip(KL/target − 1, ±0.2)·n/horizon)', () => {
    const c = new AdaptiveKlController(0.2, 6, 10_000);
    c.update(9, 16); // error 0.5 → clipped 0.2: β = 0.2·(1 + 0.2·16/10⁴) = 0.200064
    expect(c.value).toBeCloseTo(0.200064, 12);
    c.update(5.4, 16); // error −0.1: β = 0.200064·(1 − 0.1·16/10⁴) = 0.200031989...
    expect(c.value).toBeCloseTo(0.200064 * 0.99984, 12);
    c.update(0, 10_000); // error −1 → −0.2: β·0.8
    expect(c.value).toBeCloseTo(0.200064 * 0.99984 * 0.8, 12);
  });

  it('fixed: never moves', () => {
    const c = new FixedKlController(0.05);
    c.update();
    expect(c.value).toBe(0.05);
  });

  it('adaptive with the run-scaled horizon: β moves by a clearly non-trivial factor', () => {
    // 80 iterations × 16 rollouts, KL 3× the target throughout (error clipped to 0.2).
    const horizon = runScaledKlHorizon(80, 16); // 1280 / 8 = 160
    expect(horizon).toBe(160);
    const scaled = new AdaptiveKlController(0.2, 6, horizon);
    const fixed = new AdaptiveKlController(0.2, 6, 10_000);
    for (let i = 0; i < 80; i++) {
      scaled.update(18, 16);
      fixed.update(18, 16);
    }
    // (1 + 0.2·16/160)^80 = 1.02^80 = 4.875 against (1 + 0.2·16/10⁴)^80 = 1.026.
    expect(scaled.value / 0.2).toBeCloseTo(1.02 ** 80, 6);
    expect(scaled.value / 0.2).toBeGreaterThan(4.8);
    expect(fixed.value / 0.2).toBeLessThan(1.03);
    // And down when the KL stays far below target: 0.98^80 = 0.199.
    const below = new AdaptiveKlController(0.2, 6, horizon);
    for (let i = 0; i < 80; i++) below.update(0.5, 16);
    expect(below.value / 0.2).toBeCloseTo(0.98 ** 80, 6);
    expect(() => runScaledKlHorizon(0, 16)).toThrow(/iterations/);
  });

  it('adaptive: rejects a non-positive target', () => {
    expect(() => new AdaptiveKlController(0.2, 0, 10)).toThrow('target and horizon must be > 0');
  });
});
