import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../pipeline/views';
import { chartRows, yAxis } from './rows';

const points: MetricPoint[] = [
  { step: 1, phase: 'dpo', loss: 0.7, 'rewards/chosen': 0 },
  { step: 1, phase: 'dpo', 'eval/reward': 0.5, 'eval/kl': 0 },
  { step: 2, phase: 'dpo', loss: 0.6, 'rewards/chosen': Number.NaN },
  { step: 3, phase: 'dpo', loss: 0.5, 'rewards/chosen': -0.1 },
  { step: 3, phase: 'dpo', 'eval/reward': 0.6, 'eval/kl': 1.25 },
];

describe('chartRows', () => {
  it('keeps only points carrying the keys, with nulls for missing or non-finite values', () => {
    expect(chartRows(points, ['loss', 'rewards/chosen'], 400)).toEqual([
      { step: 1, s0: 0.7, s1: 0 },
      { step: 2, s0: 0.6, s1: null },
      { step: 3, s0: 0.5, s1: -0.1 },
    ]);
    expect(chartRows(points, ['eval/reward', 'eval/kl_sample'], 400)).toEqual([
      { step: 1, s0: 0.5, s1: null },
      { step: 3, s0: 0.6, s1: null },
    ]);
    expect(chartRows(points, ['grad_norm'], 400)).toEqual([]);
  });

  it('bounds the number of rows', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({
      step: i,
      phase: 'dpo' as const,
      loss: i,
    }));
    const rows = chartRows(many, ['loss'], 50);
    expect(rows.length).toBeLessThanOrEqual(50);
    expect(rows[rows.length - 1]).toEqual({ step: 999, s0: 999 });
  });
});

describe('yAxis', () => {
  const rows = [
    { step: 1, s0: -4.05, s1: null },
    { step: 2, s0: 0, s1: 0.3 },
  ];
  it('widens auto ends to round ticks over all series', () => {
    expect(yAxis(rows, 2)).toEqual({ domain: [-5, 1], ticks: [-5, -4, -3, -2, -1, 0, 1] });
    expect(yAxis(rows, 1)).toEqual({ domain: [-5, 0], ticks: [-5, -4, -3, -2, -1, 0] });
  });
  it('keeps fixed ends', () => {
    expect(yAxis([{ step: 1, s0: 0.5 }], 1, [0, 1])).toEqual({
      domain: [0, 1],
      ticks: [0, 0.2, 0.4, 0.6, 0.8, 1],
    });
    expect(yAxis(rows, 1, [-3, 'auto'])?.domain).toEqual([-3, 0]);
  });
  it('is null without data', () => {
    expect(yAxis([], 2)).toBeNull();
    expect(yAxis([{ step: 1, s0: null }], 1)).toBeNull();
  });
});
