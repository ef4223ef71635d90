import type { MetricPoint } from '../../pipeline/views';
import { downsample } from '../downsample';
import { niceTicks } from './format';

/** One chart row: the step and `s0`, `s1`, … for the series in order (null where absent). */
export interface ChartRow {
  step: number;
  [series: string]: number | null;
}

/** Slot name of the i-th series: metric keys contain '/', which recharts may read as a path. */
export const seriesSlot = (i: number): string => `s${i}`;

/**
 * The rows a chart of `keys` draws: only points that carry at least one finite value of those
 * keys (eval points are sparse), at most `max` of them.
 */
export function chartRows(points: MetricPoint[], keys: readonly string[], max: number): ChartRow[] {
  const rows: ChartRow[] = [];
  for (const p of points) {
    const row: ChartRow = { step: p.step };
    let any = false;
    keys.forEach((k, i) => {
      const v = p[k];
      const ok = typeof v === 'number' && Number.isFinite(v);
      row[seriesSlot(i)] = ok ? v : null;
      any ||= ok;
    });
    if (any) rows.push(row);
  }
  return downsample(rows, max);
}

export type YDomain = [number | 'auto', number | 'auto'];

/**
 * The y axis of `rows` with `nSeries` series: fixed ends where `domain` gives numbers, round
 * ticks, and 'auto' ends widened to the nearest tick. Null without any finite value.
 */
export function yAxis(
  rows: ChartRow[],
  nSeries: number,
  domain: YDomain = ['auto', 'auto'],
): { domain: [number, number]; ticks: number[] } | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    for (let i = 0; i < nSeries; i++) {
      const v = row[seriesSlot(i)];
      if (typeof v === 'number') {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
  }
  const [lo, hi] = domain;
  if (lo !== 'auto') min = lo;
  if (hi !== 'auto') max = hi;
  const ticks = niceTicks(min, max);
  const first = ticks[0];
  const last = ticks[ticks.length - 1];
  if (first === undefined || last === undefined) return null;
  const d: [number, number] = [lo === 'auto' ? first : lo, hi === 'auto' ? last : hi];
  return { domain: d, ticks: ticks.filter((t) => t >= d[0] && t <= d[1]) };
}
