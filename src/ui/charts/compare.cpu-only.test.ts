import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DPO_SETTINGS } from '../../pipeline/settings';
import type { MetricPoint } from '../../pipeline/views';
import type { RunMetrics } from '../../worker/protocol';
import { compareRows, differenceRows, runColour } from './compare';
import { differingSettings, keySettings, ranWith } from './overlayLegend';
import { RunsOverlay } from './RunsOverlay';

const pt = (step: number, o: Record<string, number>): MetricPoint => ({ step, phase: 'dpo', ...o });
const A = [pt(0, { 'eval/kl': 0 }), pt(1, { loss: 0.69 }), pt(2, { loss: 0.6, 'eval/kl': 1 })];
const B = [pt(1, { loss: 0.7 }), pt(2, { loss: 0.5 }), pt(3, { loss: 0.4 })];

describe('runs side by side', () => {
  it('puts each run in its own slot, one row per step any run logged', () => {
    expect(compareRows([A, B], 'loss')).toEqual([
      { step: 1, s0: 0.69, s1: 0.7 },
      { step: 2, s0: 0.6, s1: 0.5 },
      { step: 3, s0: null, s1: 0.4 },
    ]);
    expect(compareRows([A, B], 'eval/kl')).toEqual([
      { step: 0, s0: 0, s1: null },
      { step: 2, s0: 1, s1: null },
    ]);
  });

  it('differences the second run from the first where both logged', () => {
    const d = differenceRows(A, B, 'loss');
    expect(d.map((r) => r.step)).toEqual([1, 2]);
    expect(d[0]?.s0).toBeCloseTo(0.01, 12);
    expect(d[1]?.s0).toBeCloseTo(-0.1, 12);
  });

  it('gives each run a colour and a legend of the settings that differ', () => {
    expect(runColour(0)).not.toBe(runColour(1));
    const hi = { ...DEFAULT_DPO_SETTINGS, loss: { ...DEFAULT_DPO_SETTINGS.loss, beta: 1 } };
    expect(differingSettings([DEFAULT_DPO_SETTINGS, hi])).toEqual([['β 0.1'], ['β 1']]);
    expect(keySettings(DEFAULT_DPO_SETTINGS)).toContain('β 0.1');
    // A frozen-policy experiment run is shown at the lr it ran with, 0.
    const frozen = ranWith({ settings: DEFAULT_DPO_SETTINGS, options: { frozenPolicy: true } });
    expect(differingSettings([DEFAULT_DPO_SETTINGS, frozen])).toEqual([
      ['learning rate 0.0002'],
      ['learning rate 0'],
    ]);
    expect(ranWith({ settings: DEFAULT_DPO_SETTINGS })).toBe(DEFAULT_DPO_SETTINGS);
  });

  it('renders the overlay: a legend row and a toggle per run, every chart', () => {
    const run = (id: string, beta: number, points: MetricPoint[]): RunMetrics => ({
      id,
      name: `run ${id}`,
      settings: { ...DEFAULT_DPO_SETTINGS, loss: { ...DEFAULT_DPO_SETTINGS.loss, beta } },
      points,
    });
    const html = renderToStaticMarkup(
      createElement(RunsOverlay, { runs: [run('a', 0.1, A), run('b', 0.5, B)] }),
    );
    expect(html).toContain('Runs side by side');
    expect(html.match(/data-testid="overlay-toggle"/g)).toHaveLength(2);
    expect(html).toContain('β 0.5');
    expect(html).toContain('data-testid="overlay-chart-loss"');
    expect(renderToStaticMarkup(createElement(RunsOverlay, { runs: [] }))).toBe('');
  });
});
