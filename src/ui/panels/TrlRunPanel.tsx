import { memo, useState } from 'react';
import { TrainingCharts } from '../charts/TrainingCharts';
import { parseTrainerState, type TrlRun } from '../charts/trainerState';
import './panels.css';
import { FileButton } from '../FileButton';

/** A trainer_state.json is a few kB per thousand logged steps; refuse what cannot be one. */
const MAX_BYTES = 64 * 1024 * 1024;

/**
 * Read a real TRL run: a DPOTrainer's trainer_state.json (in every checkpoint-N folder, or
 * `trainer.state.save_to_json(path)`) drawn in the same charts, with a short reading of it.
 * Parsed here on the main thread: it is small, and nothing here needs tfjs.
 */
export const TrlRunPanel = memo(function TrlRunPanel() {
  const [run, setRun] = useState<{ name: string; run: TrlRun } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const open = async (file: File) => {
    if (file.size > MAX_BYTES) {
      setError(`${file.name}: ${file.size} bytes, over the ${MAX_BYTES}-byte limit`);
      return;
    }
    const r = parseTrainerState(await file.text());
    if (r.ok) {
      setRun({ name: file.name, run: r.run });
      setError(null);
    } else {
      setError(`${file.name}: ${r.error}`);
    }
  };
  return (
    <section className="card panel" aria-labelledby="trl-run-title" data-testid="trl-run-panel">
      <h2 id="trl-run-title">Read a TRL run</h2>
      <p className="hint">
        Open the <code>trainer_state.json</code> of a TRL DPOTrainer run (it is in every{' '}
        <code>checkpoint-N</code> folder) to see its metrics in the same charts: train rows solid,
        eval rows dashed. It stays on this machine.
      </p>
      <div className="buttons">
        <FileButton accept=".json" testId="trl-state-file" onFiles={([f]) => void open(f)}>
          Open trainer_state.json…
        </FileButton>
        {run && (
          <button type="button" className="secondary" onClick={() => setRun(null)}>
            Close the run
          </button>
        )}
      </div>
      {error && (
        <p className="notice" data-testid="trl-run-error">
          {error}
        </p>
      )}
      {run && (
        <>
          <p data-testid="trl-run-summary">
            {run.name}: {run.run.trainRows} train rows and {run.run.evalRows} eval rows, up to step{' '}
            {run.run.globalStep}.
          </p>
          <ul className="trl-reading" data-testid="trl-run-reading">
            {run.run.reading.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <TrainingCharts points={run.run.points} source="trl" testId="trl-run-charts" />
        </>
      )}
    </section>
  );
});
