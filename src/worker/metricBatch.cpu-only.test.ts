import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../pipeline/views';
import { MetricBatch } from './metricBatch';

const point = (step: number): MetricPoint => ({ step, phase: 'dpo', loss: 1 / step });

describe('MetricBatch', () => {
  it('sends each point once, in order, and nothing when empty', () => {
    const sent: number[][] = [];
    const b = new MetricBatch((ps) => sent.push(ps.map((p) => p.step)));
    b.flush();
    for (const s of [1, 2, 3]) b.push(point(s));
    b.flush();
    b.push(point(4));
    b.flush();
    b.flush();
    expect(sent).toEqual([[1, 2, 3], [4]]);
  });

  it('a rewind drops unsent points logged after the checkpoint', () => {
    const sent: number[][] = [];
    const b = new MetricBatch((ps) => sent.push(ps.map((p) => p.step)));
    b.flush();
    for (const s of [20, 21, 22]) b.push(point(s));
    b.dropAfter(20);
    b.flush();
    expect(sent).toEqual([[20]]);
  });
});
