import { memo, useMemo, useState } from 'react';
import type { RunMetrics } from '../../worker/protocol';
import { CompareChart, type ComparedRun } from './CompareChart';
import { metricTitle, runColour } from './compare';
import { differingSettings, keySettings, ranWith } from './overlayLegend';
import './charts.css';

/** The metrics drawn for runs side by side. */
const OVERLAY_METRICS = [
  'eval/reward',
  'eval/kl',
  'loss',
  'rewards/margins',
  'rewards/accuracies',
  'eval/pair_accuracy',
  'grad_weight',
  'logps/chosen',
  'logps/rejected',
];

/**
 * Saved runs on the same charts, each a colour, with a legend of the settings that set them
 * apart and a toggle each; with two shown, a difference view (second − first).
 */
export const RunsOverlay = memo(function RunsOverlay({ runs }: { runs: readonly RunMetrics[] }) {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [difference, setDifference] = useState(false);
  const legend = useMemo(() => {
    const diffs = differingSettings(runs.map(ranWith));
    return runs.map((r, i) => ({
      run: r,
      color: runColour(i),
      settings: runs.length > 1 ? (diffs[i] ?? []) : keySettings(ranWith(r)),
    }));
  }, [runs]);
  const shown: ComparedRun[] = useMemo(
    () =>
      legend
        .filter((l) => !hidden.has(l.run.id))
        .map((l) => ({ label: l.run.name, color: l.color, points: l.run.points })),
    [legend, hidden],
  );
  if (runs.length === 0) return null;
  const canDiff = shown.length === 2;
  return (
    <section className="card panel" aria-labelledby="overlay-title" data-testid="runs-overlay">
      <h2 id="overlay-title">Runs side by side</h2>
      <ul className="overlay-legend" data-testid="overlay-legend">
        {legend.map((l) => (
          <li key={l.run.id}>
            <label>
              <input
                type="checkbox"
                checked={!hidden.has(l.run.id)}
                data-testid="overlay-toggle"
                onChange={() => {
                  const next = new Set(hidden);
                  if (next.has(l.run.id)) next.delete(l.run.id);
                  else next.add(l.run.id);
                  setHidden(next);
                }}
              />{' '}
              <span className="overlay-swatch" style={{ background: l.color }} />{' '}
              <strong>{l.run.name}</strong>{' '}
              <span className="muted-text">
                {l.settings.length > 0 ? l.settings.join(' · ') : 'same settings'}
              </span>
            </label>
          </li>
        ))}
      </ul>
      <label className="hint overlay-difference">
        <input
          type="checkbox"
          checked={difference && canDiff}
          disabled={!canDiff}
          data-testid="overlay-difference"
          onChange={(e) => setDifference(e.target.checked)}
        />{' '}
        Difference of the two shown (second − first)
      </label>
      <div className="grid charts-grid">
        {OVERLAY_METRICS.map((key) => (
          <CompareChart
            key={key}
            title={metricTitle(key)}
            metric={key}
            runs={shown}
            difference={difference && canDiff}
            testId={`overlay-chart-${key}`}
          />
        ))}
      </div>
    </section>
  );
});
