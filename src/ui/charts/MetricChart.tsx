import { type ReactNode, useId, useMemo } from 'react';
import { Line, ReferenceLine } from 'recharts';
import type { MetricKey, MetricPoint } from '../../pipeline/views';
import { formatCompact } from './format';
import { chartRows, seriesSlot, type YDomain, yAxis } from './rows';
import { PLOT_HEIGHT, StepPlot } from './StepPlot';
import type { TrlEvalKey } from './trainerState';
import './charts.css';

export interface MetricSeries {
  /** A metric of this app's points, or the eval_ twin of one from a TRL run. */
  key: MetricKey | TrlEvalKey;
  label: string;
  /** Any CSS colour, e.g. `var(--chosen)`. */
  color: string;
  dashed?: boolean;
}

export interface MetricChartProps {
  title: string;
  points: MetricPoint[];
  series: MetricSeries[];
  /** Fixed y ends; 'auto' ends are widened to a round tick (default both 'auto'). */
  yDomain?: YDomain;
  /** Horizontal lines, drawn where they fall inside the data's range; '' for no label. */
  referenceLines?: { y: number; label: string }[];
  /** Vertical lines at steps (online rounds' boundaries), drawn inside the x range. */
  stepLines?: { x: number; label: string }[];
  /** Shown under the title, above the plot: definitions that belong on the chart itself. */
  subtitle?: ReactNode;
  /** Shown under the plot. */
  explanation?: ReactNode;
  /** Shown instead of the plot while no point carries any of the series. */
  emptyText?: string;
  testId?: string;
  /** Most points drawn per series (default 400). */
  maxPoints?: number;
}

/** A line chart of some metric keys against the step, in a card. */
export function MetricChart(p: MetricChartProps) {
  const { points, series, yDomain } = p;
  const max = p.maxPoints ?? 400;
  // Pass a stable `series` array (a module constant) so this recomputes only on new points.
  const rows = useMemo(
    () =>
      chartRows(
        points,
        series.map((s) => s.key),
        max,
      ),
    [points, series, max],
  );
  const y = useMemo(() => yAxis(rows, series.length, yDomain), [rows, series.length, yDomain]);
  const dots = rows.length <= 30;
  const titleId = useId();

  return (
    <section
      className="card chart-card"
      aria-labelledby={titleId}
      data-testid={p.testId}
      data-points={rows.length}
    >
      <h3 className="chart-title" id={titleId}>
        {p.title}
      </h3>
      {p.subtitle && <div className="chart-subtitle">{p.subtitle}</div>}
      {rows.length === 0 ? (
        <div className="chart-empty" style={{ height: PLOT_HEIGHT }}>
          {p.emptyText ?? 'Waiting for the first logged step…'}
        </div>
      ) : (
        <div className="chart-plot">
          <StepPlot
            data={rows}
            y={{ domain: y?.domain ?? ['auto', 'auto'], ticks: y?.ticks, allowDataOverflow: true }}
            format={formatCompact}
            legend={p.series.length > 1}
          >
            {p.referenceLines?.map((r) => (
              <ReferenceLine
                key={`${r.y}:${r.label}`}
                y={r.y}
                stroke="var(--muted)"
                strokeDasharray="2 4"
                label={
                  r.label
                    ? {
                        value: r.label,
                        position: 'insideTopRight',
                        fill: 'var(--muted)',
                        fontSize: 11,
                      }
                    : undefined
                }
              />
            ))}
            {p.stepLines?.map((r) => (
              <ReferenceLine
                key={`x${r.x}`}
                x={r.x}
                stroke="var(--muted)"
                strokeDasharray="4 3"
                label={{
                  value: r.label,
                  position: 'insideTopLeft',
                  fill: 'var(--muted)',
                  fontSize: 10,
                }}
              />
            ))}
            {p.series.map((s, i) => (
              <Line
                key={s.key}
                dataKey={seriesSlot(i)}
                name={s.label}
                type="linear"
                stroke={s.color}
                strokeWidth={1.75}
                strokeDasharray={s.dashed ? '5 4' : undefined}
                dot={dots ? { r: 2, fill: s.color } : false}
                activeDot={{ r: 3 }}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </StepPlot>
        </div>
      )}
      {p.explanation && <div className="chart-explanation">{p.explanation}</div>}
    </section>
  );
}
