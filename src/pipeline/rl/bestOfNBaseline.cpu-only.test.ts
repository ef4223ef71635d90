import { describe, expect, it } from 'vitest';
import { bestOfNKl } from '../../objectives/bestOfN';
import { testModel } from '../../test/helpers';
import { liveTensors } from '../../test/leaks';
import { evaluateBestOfN } from './bestOfNBaseline';
import { perSampleReward } from './rewardFunction';

const EOT = 31;
const PROMPTS = Array.from({ length: 6 }, (_, i) => ({ ids: [EOT, 1 + i], text: `p${i}` }));
const countFives = perSampleReward((_p, _t, tokens) => tokens.filter((t) => t === 5).length);
/** A selector that disagrees with the ground truth: prefers the shortest completion. */
const shortest = perSampleReward((_p, _t, tokens) => -tokens.length);

describe('evaluateBestOfN', () => {
  it('gives one frontier point per N: the analytic KL and the picked ground-truth reward', async () => {
    const ref = testModel(8, false);
    const live = liveTensors();
    const base = {
      ns: [4, 1, 2, 8],
      maxNewTokens: 6,
      temperature: 1,
      seed: 5,
      eotId: EOT,
      padId: 0,
      decode: (ids: number[]) => ids.join(' '),
      groundTruth: countFives,
      rowsPerBatch: 16, // 2 prompts × 8 candidates per generate call
    };
    const progress: number[] = [];
    const oracle = await evaluateBestOfN(ref, PROMPTS, { ...base, select: countFives }, (d) =>
      progress.push(d),
    );
    live.expectUnchanged();
    expect(progress).toEqual([2, 4, 6]);
    expect(oracle.points.map((p) => p.n)).toEqual([1, 2, 4, 8]);
    expect(oracle.candidates).toHaveLength(6);
    for (const c of oracle.candidates) expect(c.texts).toHaveLength(8);
    oracle.points.forEach((p) => {
      expect(p.kl).toBe(bestOfNKl(p.n));
    });
    // N = 1 is π_ref's first sample; N = 8 the best of all eight; an oracle never gets worse.
    const gt = oracle.candidates.map((c) => c.groundTruth);
    const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(oracle.points[0]?.reward).toBeCloseTo(meanOf(gt.map((g) => g[0] ?? 0)), 10);
    expect(oracle.points[3]?.reward).toBeCloseTo(meanOf(gt.map((g) => Math.max(...g))), 10);
    for (let i = 1; i < 4; i++) {
      expect(oracle.points[i]?.reward).toBeGreaterThanOrEqual(oracle.points[i - 1]?.reward ?? 0);
    }
    expect(oracle.points[3]?.reward).toBeGreaterThan(oracle.points[0]?.reward ?? 0);
    expect(oracle.points[3]?.selectScore).toBe(oracle.points[3]?.reward);

    // Same seed, same samples; a different selector picks by its own score.
    const other = await evaluateBestOfN(ref, PROMPTS, { ...base, select: shortest });
    expect(other.candidates.map((c) => c.texts)).toEqual(oracle.candidates.map((c) => c.texts));
    const picked = other.candidates.map((c) => {
      const best = c.select.indexOf(Math.max(...c.select));
      return c.groundTruth[best] ?? Number.NaN;
    });
    expect(other.points[3]?.reward).toBeCloseTo(meanOf(picked), 10);
    expect(other.points[3]?.selectScore).toBeCloseTo(
      meanOf(other.candidates.map((c) => Math.max(...c.select))),
      10,
    );
    await expect(
      evaluateBestOfN(ref, PROMPTS, { ...base, ns: [0], select: shortest }),
    ).rejects.toThrow('ns must be integers ≥ 1');
    ref.dispose();
  });
});
