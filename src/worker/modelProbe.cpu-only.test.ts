import { describe, expect, it } from 'vitest';
import { SHIPPED_MODELS } from '../share/models';
import { liveTensors } from '../test/leaks';
import { probeModels, timeTrainingStep } from './modelProbe';

describe('the model speed probe', () => {
  it('times a real training step and frees what it made', async () => {
    const [nano] = SHIPPED_MODELS;
    if (!nano) throw new Error('no shipped model');
    const live = liveTensors();
    const ms = await timeTrainingStep(nano.config, 1);
    expect(ms).toBeGreaterThan(0);
    expect(Number.isFinite(ms)).toBe(true);
    live.expectUnchanged();
  });

  it('times sizes smallest first and skips one extrapolated past twice the budget', async () => {
    const timed: number[] = [];
    const fake = (ms: number) => async (c: { nEmbd: number }) => {
      timed.push(c.nEmbd);
      return ms;
    };
    // nano at 150 ms: micro (≈ 5× the parameters, √5 ≈ 2.24× the step) extrapolates to
    // 60 × 0.34 s × 3.5 ≈ 70 s, within 2 × 180 s, so it is timed.
    expect(await probeModels(SHIPPED_MODELS, 60, fake(150))).toEqual([
      { preset: 'nano', stepMs: 150 },
      { preset: 'micro', stepMs: 150 },
    ]);
    expect(timed).toEqual([32, 64]);
    timed.length = 0;
    // nano at 3 s: micro would be ≈ 1,400 s, over 2 × 180 s: not timed.
    expect(await probeModels(SHIPPED_MODELS, 60, fake(3000))).toEqual([
      { preset: 'nano', stepMs: 3000 },
      { preset: 'micro', stepMs: null },
    ]);
    expect(timed).toEqual([32]);
  });
});
