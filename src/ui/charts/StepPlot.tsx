/**
 * The plot every step chart shares: a responsive recharts LineChart, the step on x (from 0),
 * a grid, a y axis, a themed tooltip and optionally a legend. The caller's children are its
 * lines and reference lines (recharts 3 finds them at any depth).
 */
import type { ReactNode } from 'react';
import {
  CartesianGrid,
  Legend,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type YAxisProps,
} from 'recharts';
import { formatStep } from './format';

export const PLOT_HEIGHT = 180;
const AXIS_TICK = { fill: 'var(--muted)', fontSize: 11 };
const TOOLTIP_STYLE = {
  background: 'var(--surface)',
  border: '1px solid var(--border)',
  borderRadius: 8,
  color: 'var(--text)',
  fontSize: 12,
  padding: '6px 10px',
};

export interface StepPlotProps {
  /** Rows with a numeric `step` and the lines' data keys. */
  data: readonly object[];
  y: Pick<YAxisProps, 'domain' | 'ticks' | 'allowDataOverflow'>;
  /** Formats y ticks and tooltip values. */
  format: (v: unknown) => string;
  legend: boolean;
  children: ReactNode;
}

export function StepPlot({ data, y, format, legend, children }: StepPlotProps) {
  return (
    <ResponsiveContainer
      width="100%"
      height={PLOT_HEIGHT}
      initialDimension={{ width: 320, height: PLOT_HEIGHT }}
    >
      <LineChart data={data} margin={{ top: 6, right: 10, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
        <XAxis
          dataKey="step"
          type="number"
          domain={[0, 'dataMax']}
          allowDecimals={false}
          tickFormatter={formatStep}
          tick={AXIS_TICK}
          stroke="var(--border)"
        />
        <YAxis {...y} width={44} tickFormatter={format} tick={AXIS_TICK} stroke="var(--border)" />
        <Tooltip
          formatter={(v) => format(v)}
          labelFormatter={(l) => `step ${formatStep(l)}`}
          contentStyle={TOOLTIP_STYLE}
          isAnimationActive={false}
        />
        {legend && <Legend iconType="plainline" wrapperStyle={{ fontSize: 12 }} />}
        {children}
      </LineChart>
    </ResponsiveContainer>
  );
}
