import { memo, useMemo, useState } from 'react';
import {
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { SweepInput } from '../../pipeline/frontier/config';
import type { FrontierPoint } from '../../pipeline/frontier/points';
import { pointsCsv } from '../../pipeline/frontier/points';
import { DEFAULT_X_LABEL, frontierSvg } from '../../pipeline/frontier/svg';
import { download } from '../download';
import type { SweepView } from '../store';
import { SweepBuilder } from './SweepBuilder';
import './panels.css';

interface Props {
  sweep: SweepView;
  /** A DPO run or SFT is busy: sweeps wait. */
  disabled: boolean;
  onStart: (s: SweepInput) => void;
  onStop: () => void;
  onRemove: (runIds: string[]) => void;
}

const COLORS: Record<string, string> = {
  sft: 'var(--text)',
  dpo: 'var(--accent)',
  'preferred-ft': '#E69F00',
  unlikelihood: '#CC79A7',
  'best-of-n': '#009E73',
  ppo: '#D55E00',
  'ppo-gt': '#882255',
};
/** Runs of one algorithm are told apart by dash patterns. */
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];
const AXIS_TICK = { fill: 'var(--muted)', fontSize: 11 };

type Row = FrontierPoint & { x: number; y: number };

function PointTip({ active, payload }: { active?: boolean; payload?: { payload: Row }[] }) {
  const p = payload?.[0]?.payload;
  if (!active || !p) return null;
  return (
    <div className="frontier-tip">
      <strong>{p.label}</strong>
      <div>
        {p.n !== undefined ? `N = ${p.n}` : `step ${p.step}`} · KL {p.kl.toFixed(2)}
        {p.klKind === 'analytic' ? ' (analytic)' : ''} · reward {p.reward.toFixed(3)} ±{' '}
        {p.rewardStderr.toFixed(3)}
      </div>
      {p.sample && <div className="frontier-sample">{p.sample}</div>}
    </div>
  );
}

/** The reward–KL frontier (paper Fig. 2, left), live, with the sweep that fills it. */
export const FrontierPanel = memo(function FrontierPanel(p: Props) {
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const { sweep } = p;
  const series = useMemo(() => {
    const byRun = new Map<string, Row[]>();
    for (const pt of sweep.points) {
      if (hidden.has(pt.runId)) continue;
      const rows = byRun.get(pt.runId) ?? [];
      rows.push({ ...pt, x: pt.kl, y: pt.reward });
      byRun.set(pt.runId, rows);
    }
    const perAlgorithm = new Map<string, number>();
    return [...byRun].map(([runId, rows]) => {
      const first = rows[0] as Row;
      const k = perAlgorithm.get(first.algorithm) ?? 0;
      perAlgorithm.set(first.algorithm, k + 1);
      rows.sort((a, b) => (a.n ?? a.step) - (b.n ?? b.step));
      return {
        runId,
        label: first.label,
        color: COLORS[first.algorithm] ?? 'var(--muted)',
        dash: DASHES[k % DASHES.length] ?? '',
        rows,
      };
    });
  }, [sweep.points, hidden]);
  const running = sweep.state === 'running';
  const prog = sweep.progress;
  const toggle = (id: string) => {
    const next = new Set(hidden);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setHidden(next);
  };

  return (
    <section className="card panel frontier-panel" data-testid="frontier-panel">
      <h2>Reward–KL frontier</h2>
      <p className="hint">
        The paper’s Fig. 2 (left), in miniature: every algorithm starts from the same SFT model and
        the same sampled pairs; each point is one evaluation of fresh samples on held-out prompts.
        Up and to the left is better: more reward for less drift from π_ref.
      </p>
      <SweepBuilder disabled={p.disabled || running} onStart={p.onStart} />
      <div className="buttons">
        <button
          type="button"
          className="secondary"
          data-testid="sweep-stop"
          disabled={!running}
          onClick={p.onStop}
        >
          Stop sweep
        </button>
        <span className="muted" data-testid="sweep-status" data-state={sweep.state}>
          {running
            ? `run ${sweep.index + 1}/${sweep.count}${prog ? ` · ${prog.stage} ${prog.done}/${prog.total}` : ''}`
            : sweep.state === 'idle'
              ? 'no sweep yet'
              : `sweep “${sweep.name}” ${sweep.state}`}
        </span>
      </div>
      {running && prog && (
        <progress
          className="sweep-progress"
          data-testid="sweep-progress"
          max={Math.max(1, sweep.count)}
          value={sweep.index + (prog.total ? prog.done / prog.total : 0)}
        />
      )}
      <div
        className="chart-card frontier-chart"
        data-testid="frontier-chart"
        data-series={series.length}
        data-points={sweep.points.length}
      >
        {series.length === 0 ? (
          <div className="chart-empty" style={{ height: 320 }}>
            Points appear here as the sweep’s runs are evaluated.
          </div>
        ) : (
          <ResponsiveContainer
            width="100%"
            height={340}
            initialDimension={{ width: 640, height: 340 }}
          >
            <ScatterChart margin={{ top: 8, right: 16, bottom: 28, left: 8 }}>
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
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {series.map((s) => (
                <Scatter
                  key={s.runId}
                  name={s.label}
                  data={s.rows}
                  fill={s.color}
                  line={{ stroke: s.color, strokeDasharray: s.dash, strokeWidth: 1.5 }}
                  isAnimationActive={false}
                />
              ))}
            </ScatterChart>
          </ResponsiveContainer>
        )}
        <p className="chart-explanation">
          x: KL(π_θ‖π_ref) per completion, the exact per-token KL summed over its tokens and
          averaged over samples. Best-of-N has no π_θ to measure: its points use the analytic KL log
          N − (N−1)/N. y: mean ground-truth reward ± one standard error.
        </p>
      </div>
      {sweep.runs.length > 0 && (
        <>
          <div className="pairs-scroll">
            <table className="pairs runs" data-testid="sweep-runs">
              <thead>
                <tr>
                  <th>show</th>
                  <th>run</th>
                  <th>status</th>
                  <th className="num">best reward</th>
                  <th className="num">KL at end</th>
                  <th className="num">reward at end</th>
                  <th className="num">time</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {sweep.runs.map((r) => (
                  <tr key={r.runId} data-testid="sweep-run-row" data-status={r.status}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`show ${r.label}`}
                        checked={!hidden.has(r.runId)}
                        onChange={() => toggle(r.runId)}
                      />
                    </td>
                    <td>
                      <span className="swatch" style={{ background: COLORS[r.algorithm] }} />{' '}
                      {r.label}
                    </td>
                    <td>{r.status}</td>
                    <td className="num">
                      {r.summary?.best ? r.summary.best.reward.toFixed(3) : '—'}
                    </td>
                    <td className="num">
                      {r.summary?.final ? r.summary.final.kl.toFixed(2) : '—'}
                    </td>
                    <td className="num">
                      {r.summary?.final ? r.summary.final.reward.toFixed(3) : '—'}
                    </td>
                    <td className="num">
                      {r.summary ? `${Math.round(r.summary.seconds)} s` : '…'}
                    </td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="secondary"
                        disabled={r.status === 'running'}
                        onClick={() => p.onRemove([r.runId])}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="buttons">
            <span className="muted">Export the frontier:</span>
            <button
              type="button"
              className="secondary"
              onClick={() => download('frontier.csv', pointsCsv(sweep.points), 'text/csv')}
            >
              points CSV
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() =>
                download('frontier.json', JSON.stringify(sweep.points, null, 2), 'application/json')
              }
            >
              points JSON
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() =>
                download(
                  'frontier.svg',
                  frontierSvg(sweep.points, { title: sweep.name }),
                  'image/svg+xml',
                )
              }
            >
              plot SVG
            </button>
          </div>
        </>
      )}
    </section>
  );
});
