/**
 * Small readers over a run's metric points, for the experiments' automatic readings. Plain
 * numbers, no tfjs: the UI reads its runs' points with them too.
 */
import type { MetricKey, MetricPoint } from '../views';

/** A logged key: the metric keys, and the fluency figures evaluation adds beside them. */
export type ReadKey = MetricKey | 'eval/fluency' | 'eval/ref_fluency';

/** Every value of `key` in step order, with its step. */
export function series(points: readonly MetricPoint[], key: ReadKey): [number, number][] {
  const out: [number, number][] = [];
  for (const p of points) {
    const v = p[key];
    if (typeof v === 'number' && Number.isFinite(v)) out.push([p.step, v]);
  }
  return out;
}

/** The values of `key` alone. */
export const values = (points: readonly MetricPoint[], key: ReadKey): number[] =>
  series(points, key).map(([, v]) => v);

/** The first (at or after step `from`) and the last value of `key`; NaN when absent. */
export function first(points: readonly MetricPoint[], key: ReadKey, from = 0): number {
  return series(points, key).find(([s]) => s >= from)?.[1] ?? Number.NaN;
}

export function last(points: readonly MetricPoint[], key: ReadKey): number {
  return series(points, key).at(-1)?.[1] ?? Number.NaN;
}

export const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean absolute change between consecutive values: how much a curve jumps. */
export function jumpiness(xs: readonly number[]): number {
  const d: number[] = [];
  for (let i = 1; i < xs.length; i++) d.push(Math.abs((xs[i] ?? 0) - (xs[i - 1] ?? 0)));
  return mean(d);
}

/** The steps at which an online round after the first starts. */
export const roundStarts = (points: readonly MetricPoint[]): number[] =>
  points.filter((p) => typeof p.round === 'number' && p.step > 0).map((p) => p.step);

/** π_θ's evaluation reward gain over π_ref's level at the end. */
export const rewardGain = (points: readonly MetricPoint[]): number =>
  last(points, 'eval/reward') - last(points, 'eval/ref_reward');

/** Two decimals (or three below 0.1), for the readings' sentences. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) < 0.1 && x !== 0 ? x.toFixed(3) : x.toFixed(2);
}
