/**
 * The frontier panel's reward–KL chart (paper Fig. 2, left): one series per run, its points in
 * step (or N) order with ± s.e. bars, and across seeds a shaded ± s.e. band. The panel's own
 * runs and opened results (frontierImport.ts) are drawn alike, told apart by their labels.
 */
import {
  Area,
  CartesianGrid,
  ComposedChart,
  ErrorBar,
  Legend,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ALGORITHMS } from '../../pipeline/algorithms/registry';
import type { BandPoint } from '../../pipeline/frontier/acrossSeeds';
import { DEFAULT_X_LABEL } from '../../pipeline/frontier/svg';

/** Runs of one algorithm are told apart by dash patterns and by colour. */
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];
/**
 * Colours of an algorithm's second, third, … run (its first takes the registry's colour), so
 * every curve has a colour of its own (Okabe–Ito and Tol's muted, apart from the registry's).
 */
const MORE_COLOURS = ['#0072B2', '#882255', '#44AA99', '#999933', '#332288', '#AA4499', '#117733'];
const AXIS_TICK = { fill: 'var(--muted)', fontSize: 11 };

/**
 * A point (mean across seeds when there are several), its ± s.e. band [low, high] and its
 * error bar (the s.e. of the evaluation for one seed, across seeds for several).
 */
type Row = BandPoint & { x: number; y: number; band: [number, number]; err: number };

function PointTip({ active, payload }: { active?: boolean; payload?: { payload: Row }[] }) {
  const p = payload?.[0]?.payload;
  if (!active || !p) return null;
  return (
    <div className="frontier-tip">
      <strong>{p.label}</strong>
      <div>
        {p.n !== undefined ? `N = ${p.n}` : `step ${p.step}`} · KL {p.kl.toFixed(2)}
        {p.klKind === 'analytic' ? ' (upper bound)' : ''} · reward {p.reward.toFixed(3)} ±{' '}
        {p.rewardStderr.toFixed(3)}
        {p.seeds > 1 ? ` (mean ± s.e. across ${p.seeds} seeds)` : ''}
      </div>
      {p.sample && <div className="frontier-sample">{p.sample}</div>}
    </div>
  );
}

/** One chart series per visible run: its points in step (or N) order, with their bands. */
export function frontierSeries(bands: readonly BandPoint[], hidden: ReadonlySet<string>) {
  const byRun = new Map<string, Row[]>();
  for (const pt of bands) {
    if (hidden.has(pt.runId)) continue;
    const rows = byRun.get(pt.runId) ?? [];
    const band: [number, number] = [pt.reward - pt.rewardStderr, pt.reward + pt.rewardStderr];
    rows.push({ ...pt, x: pt.kl, y: pt.reward, band, err: pt.rewardStderr });
    byRun.set(pt.runId, rows);
  }
  const perAlgorithm = new Map<string, number>();
  let extra = 0;
  return [...byRun].map(([runId, rows]) => {
    const first = rows[0] as Row;
    const k = perAlgorithm.get(first.algorithm) ?? 0;
    perAlgorithm.set(first.algorithm, k + 1);
    rows.sort((a, b) => (a.n ?? a.step) - (b.n ?? b.step));
    const own = ALGORITHMS[first.algorithm]?.colour ?? 'var(--muted)';
    const color = k === 0 ? own : (MORE_COLOURS[extra++ % MORE_COLOURS.length] ?? own);
    return {
      runId,
      label: first.label,
      color,
      dash: DASHES[k % DASHES.length] ?? '',
      rows,
      /** The band in KL order, as Area draws left to right. */
      bandRows: [...rows].sort((a, b) => a.x - b.x),
    };
  });
}

type Series = ReturnType<typeof frontierSeries>[number];

/** The chart of `series`; `seeds` > 1 draws the bands. */
export function FrontierChart({ series, seeds }: { series: readonly Series[]; seeds: number }) {
  if (series.length === 0) {
    return (
      <div className="chart-empty" style={{ height: 320 }}>
        Points appear here as the sweep’s runs are evaluated, or open a finished sweep’s results.
      </div>
    );
  }
  return (
    <ResponsiveContainer width="100%" height={340} initialDimension={{ width: 640, height: 340 }}>
      <ComposedChart margin={{ top: 8, right: 16, bottom: 28, left: 8 }}>
        <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
        <XAxis
          type="number"
          dataKey="x"
          name="KL"
          tick={AXIS_TICK}
          stroke="var(--border)"
          label={{
            value: DEFAULT_X_LABEL,
            position: 'insideBottom',
            offset: -16,
            fill: 'var(--muted)',
            fontSize: 12,
          }}
        />
        <YAxis
          type="number"
          dataKey="y"
          name="reward"
          domain={['auto', 'auto']}
          width={52}
          tick={AXIS_TICK}
          stroke="var(--border)"
          tickFormatter={(v: number) => v.toFixed(2)}
          label={{
            value: 'mean r*',
            angle: -90,
            position: 'insideLeft',
            fill: 'var(--muted)',
            fontSize: 12,
          }}
        />
        <Tooltip content={<PointTip />} isAnimationActive={false} />
        <Legend verticalAlign="top" wrapperStyle={{ fontSize: 12 }} />
        {seeds > 1 &&
          series.map((s) =>
            s.rows.length > 1 ? (
              <Area
                key={`band-${s.runId}`}
                data={s.bandRows}
                dataKey="band"
                type="linear"
                stroke="none"
                fill={s.color}
                fillOpacity={0.15}
                legendType="none"
                tooltipType="none"
                isAnimationActive={false}
              />
            ) : null,
          )}
        {series.map((s) => (
          <Scatter
            key={s.runId}
            name={s.label}
            data={s.rows}
            fill={s.color}
            line={{ stroke: s.color, strokeDasharray: s.dash, strokeWidth: 1.5 }}
            isAnimationActive={false}
          >
            <ErrorBar
              dataKey="err"
              direction="y"
              width={3}
              stroke={s.color}
              isAnimationActive={false}
            />
          </Scatter>
        ))}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
