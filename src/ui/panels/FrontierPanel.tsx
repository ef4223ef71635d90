import { memo, useMemo, useState } from 'react';
import { ALGORITHMS } from '../../pipeline/algorithms/registry';
import { type BandPoint, seedBands } from '../../pipeline/frontier/acrossSeeds';
import type { ImportedFrontier } from '../../pipeline/frontier/frontierImport';
import { bestOnValidation, pointsCsv, type RunSummary } from '../../pipeline/frontier/points';
import { frontierSvg } from '../../pipeline/frontier/svg';
import type { SweepInput } from '../../pipeline/frontier/sweepConfig';
import { download } from '../download';
import type { SweepView } from '../store';
import { FrontierChart, frontierSeries } from './FrontierChart';
import { FrontierImports } from './FrontierImports';
import { resolvedSentence, sweepFacts, sweepProgress } from './frontierFacts';
import { SweepBuilder } from './SweepBuilder';
import './panels.css';

interface Props {
  sweep: SweepView;
  /** A DPO run or SFT is busy: sweeps wait. */
  disabled: boolean;
  onStart: (s: SweepInput) => void;
  /** Export the sweep as a TRL job (.zip); settles when the file is handed over. */
  onExport: (s: SweepInput) => Promise<unknown>;
  onStop: () => void;
  onRemove: (runIds: string[]) => void;
}

/** A run's compute in one cell: updates · sequences · label presentations · samples. */
function computeText(c: RunSummary['compute']): string {
  if (!c) return '—';
  const n = (x: number) => x.toLocaleString('en-US');
  return `${n(c.updates)} · ${n(c.sequences)} · ${n(c.labelPresentations)} · ${n(c.generationSamples)}${c.byDesign ? ' *' : ''}`;
}

/** The reward–KL frontier (paper Fig. 2, left), live, with the sweep that fills it. */
export const FrontierPanel = memo(function FrontierPanel(p: Props) {
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  /** Opened results, drawn beside this page's runs (their run ids are prefixed apart). */
  const [imported, setImported] = useState<ImportedFrontier[]>([]);
  const { sweep } = p;
  const bands = useMemo(
    () => seedBands([...sweep.points, ...imported.flatMap((f) => f.points)]),
    [sweep.points, imported],
  );
  const seeds = bands.reduce((m, b) => Math.max(m, b.seeds), 1);
  const facts = useMemo(() => sweepFacts(sweep.runs), [sweep.runs]);
  const series = useMemo(() => frontierSeries(bands, hidden), [bands, hidden]);
  // Colours by run over all runs (hidden ones too), so hiding a curve recolours none.
  const colours = useMemo(
    () => new Map(frontierSeries(bands, new Set()).map((s) => [s.runId, s.color])),
    [bands],
  );
  const resolved = useMemo(() => resolvedSentence(sweep.points), [sweep.points]);
  // With several seeds the table shows the means the chart draws, not the last seed's summary.
  // The best is the checkpoint best on validation prompts (none without them).
  const ends = useMemo(() => {
    const m = new Map<string, { final: BandPoint; best: BandPoint | undefined }>();
    if (seeds < 2) return m;
    for (const runId of new Set(bands.map((b) => b.runId))) {
      const own = bands.filter((b) => b.runId === runId);
      m.set(runId, { final: own[own.length - 1] as BandPoint, best: bestOnValidation(own) });
    }
    return m;
  }, [bands, seeds]);
  const running = sweep.state === 'running';
  const prog = sweepProgress(sweep);
  const toggle = (id: string) => {
    const next = new Set(hidden);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setHidden(next);
  };

  return (
    <section
      className="card panel frontier-panel"
      aria-labelledby="frontier-title"
      data-testid="frontier-panel"
    >
      <h2 id="frontier-title">Reward–KL frontier</h2>
      <p className="hint">
        The paper’s Fig. 2 (left), in miniature: every algorithm starts from the same SFT model and
        the same sampled pairs; each point is one evaluation of fresh samples on held-out prompts.
        Up and to the left is better: more reward for less drift from π_ref.
      </p>
      <SweepBuilder disabled={p.disabled || running} onStart={p.onStart} onExport={p.onExport} />
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
            ? prog.text
            : sweep.state === 'idle'
              ? 'no sweep yet'
              : `sweep “${sweep.name}” ${sweep.state}`}
        </span>
      </div>
      {sweep.state !== 'idle' && (
        <progress
          className="sweep-progress"
          data-testid="sweep-progress"
          max={1}
          value={prog.fraction}
        />
      )}
      <div
        className="chart-card frontier-chart"
        data-testid="frontier-chart"
        data-series={series.length}
        data-points={sweep.points.length}
        data-imported={imported.length}
        data-seeds={seeds}
      >
        <FrontierChart series={series} seeds={seeds} />
        <p className="chart-explanation">
          x: KL(π_θ‖π_ref) per completion, the exact per-token KL summed over its tokens and
          averaged over samples. Best-of-N has no π_θ to measure: its points sit at the analytic
          bound log N − (N−1)/N, so its true KL is if anything smaller. y: mean ground-truth reward
          ± one standard error (the bars)
          {seeds > 1
            ? `; points are means across ${seeds} training seeds, bars and shaded bands ± one standard error across them.`
            : ' of the evaluation samples: one seed shows no seed-to-seed spread.'}
        </p>
        {resolved && (
          <p className="chart-explanation" data-testid="sweep-resolved">
            {resolved}
          </p>
        )}
        {(facts.budget || facts.accuracy) && (
          <p className="chart-explanation" data-testid="sweep-facts">
            {facts.budget} {facts.accuracy}
          </p>
        )}
      </div>
      <FrontierImports
        imported={imported}
        onOpen={(f) => setImported((xs) => [...xs, f])}
        onRemove={(id) => setImported((xs) => xs.filter((f) => f.id !== id))}
      />
      {sweep.runs.length > 0 && (
        <>
          <div className="pairs-scroll">
            <table className="pairs runs" data-testid="sweep-runs">
              <thead>
                <tr>
                  <th>show</th>
                  <th>run</th>
                  <th>status</th>
                  <th className="num" title="the checkpoint with the best validation reward">
                    best reward (on validation)
                  </th>
                  <th className="num">KL at end</th>
                  <th className="num">reward at end</th>
                  <th
                    className="num"
                    title="policy updates · sequences through π_θ · labelled-pair presentations (reward model included) · completions sampled"
                  >
                    compute
                  </th>
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
                      <span
                        className="swatch"
                        style={{
                          background: colours.get(r.runId) ?? ALGORITHMS[r.algorithm]?.colour,
                        }}
                      />{' '}
                      {r.label}
                    </td>
                    <td>
                      {r.status}
                      {(sweep.seed?.count ?? 1) > 1
                        ? ` · ${r.summaries.length}/${sweep.seed?.count} seeds`
                        : ''}
                    </td>
                    <td className="num">
                      {(seeds > 1 ? ends.get(r.runId)?.best : r.summaries[0]?.best)?.reward.toFixed(
                        3,
                      ) ?? '—'}
                    </td>
                    <td className="num">
                      {(ends.get(r.runId)?.final ?? r.summaries[0]?.final)?.kl.toFixed(2) ?? '—'}
                    </td>
                    <td className="num">
                      {(ends.get(r.runId)?.final ?? r.summaries[0]?.final)?.reward.toFixed(3) ??
                        '—'}
                    </td>
                    <td className="num" title={r.summaries[0]?.compute?.byDesign}>
                      {computeText(r.summaries[0]?.compute)}
                    </td>
                    <td className="num">
                      {r.summaries.length
                        ? `${Math.round(r.summaries.reduce((t, x) => t + x.seconds, 0))} s`
                        : '…'}
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
