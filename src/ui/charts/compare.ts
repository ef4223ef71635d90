/**
 * Runs side by side, as TensorBoard compares runs: one metric of several runs on one chart
 * (a slot per run), and the difference of two. Pure: plain metric points in, chart rows out.
 */
import type { MetricPoint } from '../../pipeline/views';
import { downsample } from '../downsample';
import { type ChartRow, seriesSlot } from './rows';

/** One colour per run, in order (none is the chosen or rejected colour). */
const RUN_COLOURS = [
  'var(--accent)',
  'var(--warn)',
  '#8e6bd8',
  '#2aa198',
  '#d33682',
  '#6c8ebf',
  '#b58900',
  '#859900',
] as const;

export const runColour = (i: number): string => RUN_COLOURS[i % RUN_COLOURS.length] ?? 'gray';

const valueAt = (p: MetricPoint, key: string): number | null => {
  const v = p[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/**
 * Rows of `key` for each run (slot i = run i), one row per step any run logged it; a run
 * without a value at that step has null there (the line connects across it).
 */
export function compareRows(
  runs: readonly (readonly MetricPoint[])[],
  key: string,
  max = 400,
): ChartRow[] {
  const byStep = new Map<number, ChartRow>();
  runs.forEach((points, i) => {
    for (const p of points) {
      const v = valueAt(p, key);
      if (v === null) continue;
      let row = byStep.get(p.step);
      if (!row) {
        row = { step: p.step };
        for (let j = 0; j < runs.length; j++) row[seriesSlot(j)] = null;
        byStep.set(p.step, row);
      }
      row[seriesSlot(i)] = v;
    }
  });
  const rows = [...byStep.values()].sort((a, b) => a.step - b.step);
  return downsample(rows, max);
}

/** `b − a` of `key` at every step both logged it (slot s0). */
export function differenceRows(
  a: readonly MetricPoint[],
  b: readonly MetricPoint[],
  key: string,
): ChartRow[] {
  const at = new Map<number, number>();
  for (const p of a) {
    const v = valueAt(p, key);
    if (v !== null) at.set(p.step, v);
  }
  const rows: ChartRow[] = [];
  for (const p of b) {
    const v = valueAt(p, key);
    const u = at.get(p.step);
    if (v !== null && u !== undefined) rows.push({ step: p.step, [seriesSlot(0)]: v - u });
  }
  return rows.sort((x, y) => x.step - y.step);
}

/** Chart titles of the metrics compared across runs (the key itself where none is given). */
const METRIC_TITLES: Readonly<Record<string, string>> = {
  'eval/reward': 'Ground-truth reward (π_θ)',
  'eval/ref_reward': 'Ground-truth reward (π_ref)',
  'eval/kl': 'KL(π_θ ‖ π_ref)',
  'eval/fluency': 'Fluency of π_θ’s samples',
  'eval/pair_accuracy': 'Held-out pair accuracy',
  loss: 'Loss',
  'rewards/margins': 'Reward margin',
  'rewards/accuracies': 'Preference accuracy (batch)',
  'rewards/chosen': 'rewards/chosen',
  'logps/chosen': 'log π_θ(chosen)',
  'logps/rejected': 'log π_θ(rejected)',
  grad_norm: 'Gradient norm',
  grad_weight: 'Gradient weight σ(r̂_l − r̂_w)',
};

export const metricTitle = (key: string): string => METRIC_TITLES[key] ?? key;
