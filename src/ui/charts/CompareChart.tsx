import { type ReactNode, useId, useMemo } from 'react';
import { Line, ReferenceLine } from 'recharts';
import type { MetricPoint } from '../../pipeline/views';
import { compareRows, differenceRows } from './compare';
import { formatCompact } from './format';
import { seriesSlot, yAxis } from './rows';
import { PLOT_HEIGHT, StepPlot } from './StepPlot';
import './charts.css';

export interface ComparedRun {
  label: string;
  color: string;
  points: readonly MetricPoint[];
}

/**
 * One metric of several runs on one chart, a colour each; with `difference` and two runs, the
 * second minus the first instead.
 */
export function CompareChart({
  title,
  metric,
  runs,
  difference = false,
  testId,
  note,
}: {
  title: string;
  metric: string;
  runs: readonly ComparedRun[];
  difference?: boolean;
  testId?: string;
  note?: ReactNode;
}) {
  const diff = difference && runs.length === 2;
  const rows = useMemo(
    () =>
      diff
        ? differenceRows(runs[0]?.points ?? [], runs[1]?.points ?? [], metric)
        : compareRows(
            runs.map((r) => r.points),
            metric,
          ),
    [runs, metric, diff],
  );
  const lines = diff
    ? [{ label: `${runs[1]?.label} − ${runs[0]?.label}`, color: 'var(--accent)' }]
    : runs;
  const y = useMemo(() => yAxis(rows, lines.length), [rows, lines.length]);
  const titleId = useId();
  return (
    <section
      className="card chart-card"
      aria-labelledby={titleId}
      data-testid={testId}
      data-points={rows.length}
    >
      <h3 className="chart-title" id={titleId}>
        {diff ? `${title}: difference` : title}{' '}
        {title !== metric && <code className="chart-key">{metric}</code>}
      </h3>
      {rows.length === 0 ? (
        <div className="chart-empty" style={{ height: PLOT_HEIGHT }}>
          No run has logged {metric} yet.
        </div>
      ) : (
        <div className="chart-plot">
          <StepPlot
            data={rows}
            y={{ domain: y?.domain ?? ['auto', 'auto'], ticks: y?.ticks, allowDataOverflow: true }}
            format={formatCompact}
            legend={lines.length > 1}
          >
            {diff && <ReferenceLine y={0} stroke="var(--muted)" strokeDasharray="2 4" />}
            {lines.map((r, i) => (
              <Line
                key={`${r.label}:${r.color}`}
                dataKey={seriesSlot(i)}
                name={r.label}
                type="linear"
                stroke={r.color}
                strokeWidth={1.75}
                dot={rows.length <= 30 ? { r: 2, fill: r.color } : false}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </StepPlot>
        </div>
      )}
      {note && <div className="chart-explanation">{note}</div>}
    </section>
  );
}
