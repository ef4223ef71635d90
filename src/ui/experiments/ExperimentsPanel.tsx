import { useMemo, useState } from 'react';
import { CLOSED_FORM_ID } from '../../pipeline/closedForm/problem';
import {
  EXPERIMENTS,
  type Experiment,
  experimentById,
  judge,
} from '../../pipeline/experiments/experiments';
import { MEASURED } from '../../pipeline/experiments/results';
import type { MetricPoint } from '../../pipeline/views';
import type { WorkerClient } from '../../worker/client';
import { CompareChart, type ComparedRun } from '../charts/CompareChart';
import { metricTitle, runColour } from '../charts/compare';
import { ClosedFormCard } from './ClosedFormCard';
import { type RunnerPhase, useExperimentRunner } from './useExperimentRunner';
import './experiments.css';

/** What verify-experiments measured for it: seeds held, and its runs' time in Node. */
function measuredLine(id: string): string | null {
  const r = MEASURED.experiments[id];
  if (!r || r.seeds.length === 0) return null;
  const held = r.seeds.filter((s) => s.holds).length;
  const secs = Math.max(...r.seeds.map((s) => s.seconds));
  return `Checked on the micro model in Node: the effect appeared in ${held} of ${r.seeds.length} seeds (${r.seeds.map((s) => s.seed).join(', ')}); its runs took at most ${Math.round(secs)} s there.`;
}

function progressText(exp: Experiment, phase: RunnerPhase): string {
  switch (phase.kind) {
    case 'idle':
      return '';
    case 'running': {
      const r = exp.runs[phase.index];
      return `Run ${phase.index + 1} of ${exp.runs.length} (${r?.label ?? ''}): step ${phase.step} of ${phase.steps}`;
    }
    case 'done':
      return `Done in ${Math.round(phase.seconds)} s.`;
    case 'failed':
      return `Stopped: ${phase.message}`;
  }
}

/** The reading of a finished experiment against the learner's prediction. */
function Outcome({
  exp,
  runs,
  predicted,
}: {
  exp: Experiment;
  runs: MetricPoint[][];
  predicted: string | null;
}) {
  const r = judge(exp, runs, predicted);
  const answer = exp.predictions.find((p) => p.id === r.answer);
  return (
    <div className="experiment-outcome" data-testid="experiment-outcome" role="status">
      <p data-testid="experiment-happened">
        <strong>What happened.</strong> {r.happened}
      </p>
      <p
        className={r.predictionRight ? 'prediction-right' : 'prediction-wrong'}
        data-testid="experiment-verdict"
      >
        {r.predictionRight
          ? 'Your prediction was right.'
          : `Not what you predicted: the runs show “${answer?.text ?? r.answer}”.`}
      </p>
      {!r.holds && (
        <p className="notice">
          This time the runs did not show the effect the literature describes (it held in the seeds
          checked; see below): read the numbers above as they are.
        </p>
      )}
      <p>
        <strong>Why.</strong> {exp.why}
      </p>
    </div>
  );
}

/**
 * Guided experiments: pick one, predict, run its runs in this tab, watch them side by side,
 * and read what happened with the source to read next.
 */
export function ExperimentsPanel({
  client,
  selected,
  onSelect,
  seed,
  canRun,
  model,
  onRunStart,
}: {
  client: WorkerClient;
  /** The experiment in the link (`?experiment=`), '' for none. */
  selected: string;
  onSelect: (id: string) => void;
  seed: number;
  canRun: boolean;
  /** The SFT model in use (the experiments were checked on micro). */
  model: string | null;
  onRunStart: () => void;
}) {
  const exp = experimentById(selected);
  // The closed-form card is linkable too (`?experiment=closed-form`).
  const closedForm = selected === CLOSED_FORM_ID;
  const [predicted, setPredicted] = useState<Record<string, string>>({});
  const { phase, runs, run, stop } = useExperimentRunner(client, exp, seed, onRunStart);
  const compared: ComparedRun[] = useMemo(
    () =>
      (exp?.runs ?? []).map((r, i) => ({
        label: r.label,
        color: runColour(i),
        points: runs[i] ?? [],
      })),
    [exp, runs],
  );
  const guess = exp ? (predicted[exp.id] ?? null) : null;
  const running = phase.kind === 'running';
  return (
    <section
      className="card panel experiments-panel"
      aria-labelledby="experiments-title"
      data-testid="experiments-panel"
    >
      <h2 id="experiments-title">Experiments: what DPO practitioners get wrong</h2>
      <p className="hint">
        Each asks a question people ask on the DPO trackers. Predict, run (one to three short runs
        in this tab, one after another), and read what the metrics say.
      </p>
      <ul className="experiment-list">
        {EXPERIMENTS.map((e) => (
          <li key={e.id}>
            <button
              type="button"
              className={e.id === selected ? 'experiment-chip active' : 'experiment-chip secondary'}
              aria-pressed={e.id === selected}
              data-testid={`experiment-${e.id}`}
              disabled={running}
              onClick={() => onSelect(e.id === selected ? '' : e.id)}
            >
              {e.title}
            </button>
          </li>
        ))}
        <li>
          <button
            type="button"
            className={closedForm ? 'experiment-chip active' : 'experiment-chip secondary'}
            aria-pressed={closedForm}
            data-testid="experiment-closed-form"
            disabled={running}
            onClick={() => onSelect(closedForm ? '' : CLOSED_FORM_ID)}
          >
            The closed-form optimum
          </button>
        </li>
      </ul>
      {closedForm && <ClosedFormCard client={client} seed={seed} canRun={canRun} />}
      {exp && (
        <div className="experiment" data-testid="experiment-open" data-experiment={exp.id}>
          <h3>{exp.title}</h3>
          <p className="experiment-question">{exp.question}</p>
          <fieldset className="experiment-predictions" disabled={running}>
            <legend>Your prediction</legend>
            {exp.predictions.map((p) => (
              <label key={p.id}>
                <input
                  type="radio"
                  name={`predict-${exp.id}`}
                  value={p.id}
                  checked={guess === p.id}
                  data-testid={`predict-${p.id}`}
                  onChange={() => setPredicted({ ...predicted, [exp.id]: p.id })}
                />{' '}
                {p.text}
              </label>
            ))}
          </fieldset>
          <div className="experiment-actions">
            {running ? (
              <button type="button" onClick={stop} data-testid="experiment-stop">
                Stop
              </button>
            ) : (
              <button
                type="button"
                disabled={!canRun || !guess}
                onClick={() => void run()}
                data-testid="experiment-run"
                title={guess ? undefined : 'Pick a prediction first'}
              >
                ▶ Run {exp.runs.length === 1 ? 'it' : `the ${exp.runs.length} runs`}
              </button>
            )}
            <span className="hint" data-testid="experiment-progress">
              {progressText(exp, phase)}
            </span>
          </div>
          <p className="hint">
            Runs: {exp.runs.map((r) => r.label).join(' · ')}; seed {seed}. Watch:{' '}
            {exp.charts.join(', ')}.
            {model && model !== 'micro' && ' Checked on the micro model; this page uses another.'}
          </p>
          <div className="grid charts-grid">
            {exp.charts.map((key) => (
              <CompareChart
                key={key}
                title={metricTitle(key)}
                metric={key}
                runs={compared}
                testId={`experiment-chart-${key}`}
              />
            ))}
          </div>
          {phase.kind === 'done' && <Outcome exp={exp} runs={runs} predicted={guess} />}
          <p className="hint" data-testid="experiment-measured">
            {measuredLine(exp.id)}
          </p>
          <div className="experiment-sources">
            <strong>Read next:</strong>
            <ul>
              {exp.sources.map((s) => (
                <li key={s.ref}>
                  {s.label} — <code>{s.ref}</code>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}
