import { describe, expect, it } from 'vitest';
import { compareAtMatchedKl, frontierAt, matchedKlMarkdown, upperFrontier } from './compare';
import type { FrontierPoint } from './points';

const pt = (runId: string, step: number, kl: number, reward: number, se = 0.01): FrontierPoint => ({
  runId,
  algorithm: runId === 'pft' ? 'preferred-ft' : 'dpo',
  label: runId,
  step,
  kl,
  klStderr: 0,
  klKind: 'exact',
  reward,
  rewardStderr: se,
  samples: 100,
});

// (2, 0.62) lies under the chord (1, 0.6)–(3, 0.7); (4, 0.65) and (1.5, 0.55) are dominated.
const DPO = [
  pt('dpo', 0, 0, 0.5),
  pt('dpo', 10, 1, 0.6, 0.02),
  pt('dpo', 20, 2, 0.62),
  pt('dpo', 30, 3, 0.7, 0.04),
  pt('dpo', 40, 4, 0.65),
  pt('dpo-b', 10, 1.5, 0.55),
];

describe('upperFrontier', () => {
  it('keeps the upper concave hull up to the best point', () => {
    expect(upperFrontier(DPO)).toEqual([
      { kl: 0, reward: 0.5, stderr: 0.01 },
      { kl: 1, reward: 0.6, stderr: 0.02 },
      { kl: 3, reward: 0.7, stderr: 0.04 },
    ]);
    expect(upperFrontier([])).toEqual([]);
  });

  it('interpolates linearly and is flat past the best point', () => {
    const hull = upperFrontier(DPO);
    expect(frontierAt(hull, 0.5).reward).toBeCloseTo(0.55, 12);
    expect(frontierAt(hull, 2).reward).toBeCloseTo(0.65, 12);
    expect(frontierAt(hull, 2).stderr).toBeCloseTo(0.03, 12);
    expect(frontierAt(hull, 10)).toEqual({ reward: 0.7, stderr: 0.04 });
    expect(frontierAt([], 1).reward).toBeNaN();
  });
});

describe('compareAtMatchedKl', () => {
  it('scores each run’s best and final points against the frontier', () => {
    const rows = compareAtMatchedKl(DPO, [
      pt('pft', 0, 0, 0.5),
      pt('pft', 20, 2, 0.66, 0.03),
      pt('pft', 40, 0.5, 0.52),
    ]);
    expect(rows.map((r) => [r.at, r.step])).toEqual([
      ['best', 20],
      ['final', 40],
    ]);
    const [best, final] = rows;
    expect(best?.frontierReward).toBeCloseTo(0.65, 12);
    expect(best?.delta).toBeCloseTo(-0.01, 12); // the baseline is above here
    expect(best?.z).toBeCloseTo(-0.01 / Math.hypot(0.03, 0.03), 9);
    expect(final?.delta).toBeCloseTo(0.03, 12);
    const md = matchedKlMarkdown('DPO', rows);
    expect(md.split('\n')[0]).toBe(
      '| run | point | KL | reward | DPO frontier at that KL | difference (frontier − run) | z |',
    );
    expect(md).toContain(
      '| pft | best (step 20) | 2.00 | 0.660 ± 0.030 | 0.650 ± 0.030 | -0.010 | -0.2 |',
    );
    expect(md).toContain(
      '| pft | final (step 40) | 0.50 | 0.520 ± 0.010 | 0.550 ± 0.015 | +0.030 | 1.7 |',
    );
  });
});
