import { describe, expect, it } from 'vitest';
import { parameterCount } from '../model/config';
import {
  chooseModel,
  DEMO_BUDGET_SECONDS,
  estimateDemoSeconds,
  maxStepMs,
  SHIPPED_MODELS,
  type ShippedModel,
  worthProbing,
} from './models';

const [nano, micro] = SHIPPED_MODELS as [ShippedModel, ShippedModel];
const mini: ShippedModel = {
  preset: 'mini',
  file: 'sft-mini.json',
  config: { ...micro.config, nLayer: 4, nHead: 4, nEmbd: 128 },
};
const models = [nano, micro, mini];

describe('the default model for this machine', () => {
  it('estimates the demo as steps × step time × 3.5 (calibrated in the browser here)', () => {
    // 60 steps × 0.31 s × 3.5 = 65.1 s; the default demo took 65 s from page load.
    expect(estimateDemoSeconds(310, 60)).toBeCloseTo(65.1, 10);
    // The step time that just fits: 180 s / (60 × 3.5) ≈ 0.857 s.
    expect(maxStepMs(60)).toBeCloseTo(6000 / 7, 10);
    expect(estimateDemoSeconds(maxStepMs(60), 60)).toBeCloseTo(DEMO_BUDGET_SECONDS, 10);
  });

  it('picks the largest that fits: the browser’s WASM timings here pick micro', () => {
    // nano 128 ms → 27 s, micro 249 ms → 52 s, mini 1.4 s → 294 s > 180 s
    const c = chooseModel(
      models,
      [
        { preset: 'nano', stepMs: 128 },
        { preset: 'micro', stepMs: 249 },
        { preset: 'mini', stepMs: 1400 },
      ],
      60,
    );
    expect(c.preset).toBe('micro');
    const seconds = c.estimates.map((e) => e.seconds ?? Number.NaN);
    expect(seconds[0]).toBeCloseTo(26.88, 10);
    expect(seconds[1]).toBeCloseTo(52.29, 10);
    expect(seconds[2]).toBeCloseTo(294, 10);
    expect(c.reason).toContain('≈ 52 s');
    expect(c.reason).toContain('mini would take ≈ 294 s');
  });

  it('longer demos or a loaded machine push the choice down; a slow one gets the smallest', () => {
    // Under a heavier load (micro 724 ms a step, as once measured here): 60 × 0.724 × 3.5 ≈ 152 s.
    const t = [
      { preset: 'nano' as const, stepMs: 300 },
      { preset: 'micro' as const, stepMs: 724 },
    ];
    expect(chooseModel(models, t, 60).preset).toBe('micro');
    expect(chooseModel(models, t, 100).preset).toBe('nano'); // micro: 253.4 s > 180 s
    const slower = [
      { preset: 'nano' as const, stepMs: 400 },
      { preset: 'micro' as const, stepMs: 1100 },
    ];
    expect(chooseModel(models, slower, 60).preset).toBe('nano'); // micro: 231 s
    // SwiftShader WebGPU: nano 2.5 s a step → 525 s: nothing fits, nano with the reason.
    const slow = chooseModel(models, [{ preset: 'nano', stepMs: 2500 }], 60);
    expect(slow.preset).toBe('nano');
    expect(slow.reason).toContain('over 180 s');
    expect(chooseModel(models, [], 60).reason).toContain('did not finish');
  });

  it('skips timing a size that extrapolates to over twice the budget', () => {
    // √(219,712 / 43,904) ≈ 2.24: step time grows slower than the parameter count here.
    const ratio = Math.sqrt(parameterCount(micro.config) / parameterCount(nano.config));
    expect(ratio).toBeCloseTo(2.237, 3);
    // The nano step time at which micro's extrapolated demo is exactly 2 × 180 s.
    const edge = (((2 * DEMO_BUDGET_SECONDS) / (60 * 3.5)) * 1000) / ratio;
    expect(worthProbing(micro, { model: nano, stepMs: edge * 0.99 }, 60)).toBe(true);
    expect(worthProbing(micro, { model: nano, stepMs: edge * 1.01 }, 60)).toBe(false);
    const c = chooseModel(
      models,
      [
        { preset: 'nano', stepMs: 500 },
        { preset: 'micro', stepMs: null },
      ],
      60,
    );
    expect(c.preset).toBe('nano');
    expect(c.reason).toContain('micro was not timed');
  });

  it('ships nano and micro with the configs of their checkpoint files', async () => {
    const { readFileSync } = await import('node:fs');
    for (const m of SHIPPED_MODELS) {
      const c = JSON.parse(readFileSync(`public/checkpoints/${m.file}`, 'utf8')) as {
        config: unknown;
      };
      expect(c.config).toEqual(m.config);
    }
  });
});
