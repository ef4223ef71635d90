import { describe, expect, it } from 'vitest';
import { frontierPoint as pt } from '../../test/frontier';
import {
  checkpoints,
  claimReading,
  curveAt,
  dpoAt,
  matchedKlAcrossSeeds,
  minimumDetectable,
  seedBands,
  seedMatchedMarkdown,
  t975,
  verdict,
} from './acrossSeeds';

describe('seedBands', () => {
  it('gives mean ± s.e. across seeds per (run, step)', () => {
    const bands = seedBands([
      pt('ppo', 1, 10, 1, 0.6),
      pt('ppo', 2, 10, 2, 0.7),
      pt('ppo', 3, 10, 3, 0.8),
      pt('ppo', 1, 20, 4, 0.5),
    ]);
    expect(bands).toHaveLength(2);
    const [a, b] = bands;
    // rewards 0.6, 0.7, 0.8: mean 0.7, sd 0.1, s.e. 0.1/√3.
    expect(a?.reward).toBeCloseTo(0.7, 12);
    expect(a?.rewardStderr).toBeCloseTo(0.1 / Math.sqrt(3), 12);
    expect(a?.kl).toBeCloseTo(2, 12);
    expect(a?.klStderr).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(a?.seeds).toBe(3);
    expect(a?.samples).toBe(300);
    expect(a?.seed).toBeUndefined();
    // One seed only: the evaluation's own s.e. stays.
    expect(b).toMatchObject({ seeds: 1, reward: 0.5, rewardStderr: 0.01 });
  });
});

describe('curveAt', () => {
  it('interpolates between consecutive evaluations and is NaN past the curve', () => {
    const c = [
      { kl: 0, reward: 0.5 },
      { kl: 2, reward: 0.6 },
      { kl: 4, reward: 0.7 },
    ];
    expect(curveAt(c, 1)).toBeCloseTo(0.55, 12);
    expect(curveAt(c, 3)).toBeCloseTo(0.65, 12);
    expect(curveAt(c, 5)).toBeNaN();
  });
});

describe('matchedKlAcrossSeeds', () => {
  // DPO at each seed: reward 0.5 + 0.05·KL along its curve; PPO sits 0.02, 0.04, 0.06 below.
  const dpo = (seed: number) => [
    pt('dpo-a', seed, 0, 0, 0.5),
    pt('dpo-a', seed, 5, 0.5, 0.525), // a checkpoint a few updates in: r = 0.5 + 0.05 · KL
    pt('dpo-a', seed, 10, 2, 0.6),
    pt('dpo-a', seed, 20, 4, 0.7),
  ];
  const points = [
    ...dpo(1),
    ...dpo(2),
    ...dpo(3),
    pt('ppo', 1, 40, 1, 0.55 - 0.02),
    pt('ppo', 2, 40, 2, 0.6 - 0.04),
    pt('ppo', 3, 40, 3, 0.65 - 0.06),
  ];

  it('pairs the run with DPO seed by seed and gives a t-interval', () => {
    const rows = matchedKlAcrossSeeds(points, (id) => id.startsWith('dpo'));
    expect(rows).toHaveLength(1);
    const r = rows[0];
    // Δ = 0.02, 0.04, 0.06: mean 0.04, s.e. 0.02/√3, half-width 4.303 · 0.011547 = 0.04969.
    expect(r?.delta).toBeCloseTo(0.04, 12);
    expect(r?.deltaStderr).toBeCloseTo(0.02 / Math.sqrt(3), 12);
    expect(r?.ciLow).toBeCloseTo(0.04 - 4.303 * (0.02 / Math.sqrt(3)), 9);
    expect(r?.ciHigh).toBeCloseTo(0.04 + 4.303 * (0.02 / Math.sqrt(3)), 9);
    expect(r?.dpoReward).toBeCloseTo(0.6, 12);
    expect(r && verdict(r)).toBe('tie (interval holds 0)');
    expect(seedMatchedMarkdown(rows)).toContain(
      '| ppo | final (step 40) | 3 | 2.00 | 0.560 | 0.600 |',
    );
  });

  it('along training: one row per evaluation after the start', () => {
    const along = [
      ...dpo(1),
      pt('ppo', 1, 0, 0, 0.5),
      pt('ppo', 1, 10, 1, 0.5),
      pt('ppo', 1, 20, 2, 0.7),
    ];
    const rows = matchedKlAcrossSeeds(along, (id) => id.startsWith('dpo'), true);
    expect(rows.map((r) => [r.at, r.step, r.dpoReward])).toEqual([
      ['step', 10, 0.55],
      ['step', 20, 0.6],
    ]);
    expect(seedMatchedMarkdown(rows)).toContain('| ppo | step 20 | 1 | 2.00 | 0.700 | 0.600 |');
  });

  it('takes the best β curve that reaches the KL, ignoring curves that stop short of it', () => {
    const two = [
      ...dpo(1),
      pt('dpo-b', 1, 0, 0, 0.5),
      pt('dpo-b', 1, 5, 0.25, 0.55),
      pt('dpo-b', 1, 10, 1, 0.7), // higher, but ends at KL 1
      // 'best' is chosen on validation: step 40 (0.61), though step 45 has the best test reward.
      { ...pt('ppo', 1, 40, 0.5, 0.65), validationReward: 0.61 },
      { ...pt('ppo', 1, 45, 0.6, 0.7), validationReward: 0.6 },
      { ...pt('ppo', 1, 50, 3, 0.6), validationReward: 0.58 }, // its final
    ];
    const rows = matchedKlAcrossSeeds(two, (id) => id.startsWith('dpo'));
    // KL 3: only dpo-a reaches it (0.65); KL 0.5 (best point): max(0.525, 0.6) = 0.6.
    expect(rows.find((r) => r.at === 'final')?.dpoReward).toBeCloseTo(0.65, 12);
    expect(rows.find((r) => r.at === 'final')?.beyondDpo).toBe(0);
    expect(rows.find((r) => r.at === 'best')?.step).toBe(40);
    expect(rows.find((r) => r.at === 'best')?.dpoReward).toBeCloseTo(0.6, 12);
  });

  it('matches from measured checkpoints only: no chord from SFT below DPO’s first one', () => {
    const curve = [pt('dpo', 1, 0, 0, 0.5), pt('dpo', 1, 10, 2, 0.6), pt('dpo', 1, 20, 4, 0.7)];
    // KL 1 lies between SFT and DPO's first checkpoint: not compared (no chord from SFT).
    expect(dpoAt([checkpoints(curve)], 1)).toEqual({
      reward: Number.NaN,
      beyond: false,
      below: true,
    });
    // Between two checkpoints: interpolated; past the last: the last.
    expect(dpoAt([checkpoints(curve)], 3).reward).toBeCloseTo(0.65, 12);
    expect(dpoAt([checkpoints(curve)], 5)).toEqual({ reward: 0.7, beyond: true, below: false });
    const low = [...curve, pt('ppo', 1, 30, 1, 0.55), pt('ppo', 1, 40, 3, 0.62)];
    const along = matchedKlAcrossSeeds(low, (id) => id === 'dpo', true);
    expect(along.map((r) => [r.step, r.seeds, r.belowDpo])).toEqual([
      [30, 0, 1],
      [40, 1, 0],
    ]);
    expect(along[0] && claimReading(along[0])).toBe('not compared');
  });

  it('gives the minimum detectable difference: (t₀.₉₇₅ + t₀.₈) · s.e. over n − 1 df', () => {
    expect(minimumDetectable(0.01, 5)).toBeCloseTo((2.776 + 0.941) * 0.01, 12);
    expect(minimumDetectable(0.01, 3)).toBeCloseTo((4.303 + 1.061) * 0.01, 12);
    expect(minimumDetectable(0.01, 1)).toBeNaN();
    const rows = matchedKlAcrossSeeds(points, (id) => id.startsWith('dpo'));
    expect(rows[0]?.mdd).toBeCloseTo((4.303 + 1.061) * (0.02 / Math.sqrt(3)), 9);
    expect(rows[0] && claimReading(rows[0])).toBe('tie at this power');
    expect(claimReading({ ciLow: 0.01, ciHigh: 0.03, mdd: 0.02 })).toBe('holds');
    expect(claimReading({ ciLow: -0.03, ciHigh: -0.01, mdd: 0.02 })).toBe('reversed');
  });

  it('reads DPO above when every seed agrees, and flags a KL past DPO’s curves', () => {
    const far = [...dpo(1), ...dpo(2), pt('ppo', 1, 40, 2, 0.5), pt('ppo', 2, 40, 5, 0.55)];
    const [r] = matchedKlAcrossSeeds(far, (id) => id.startsWith('dpo'));
    // Seed 1: 0.6 − 0.5; seed 2: KL 5 is past DPO's end (4, 0.7): 0.7 − 0.55.
    expect(r?.delta).toBeCloseTo(0.125, 12);
    expect(r?.beyondDpo).toBe(1);
    expect(t975(1)).toBe(12.706);
    expect(r && verdict(r)).toBe('tie (interval holds 0)'); // 2 seeds: a wide interval
    expect(verdict({ ciLow: 0.01, ciHigh: 0.05 })).toBe('DPO above');
    expect(verdict({ ciLow: -0.05, ciHigh: -0.01 })).toBe('run above DPO');
  });
});
