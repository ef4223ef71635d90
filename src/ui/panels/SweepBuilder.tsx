import { useState } from 'react';
import { ALGORITHMS, type AlgorithmId } from '../../pipeline/algorithms/registry';
import { buildSweep, K, OFFERED, QUICK_PRESET } from '../../pipeline/frontier/quickSweep';
import { parseSweepConfig, type SweepInput } from '../../pipeline/frontier/sweepConfig';

interface Props {
  disabled: boolean;
  onStart: (s: SweepInput) => void;
  /** The same sweep as a TRL + Accelerate job folder (.zip); settles when it is handed over. */
  onExport: (s: SweepInput) => Promise<unknown>;
}

/** Parses "0.05, 0.1, 1" into positive numbers; null when any entry is not one. */
function parseBetas(text: string): number[] | null {
  const xs = text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(Number);
  return xs.length && xs.every((x) => Number.isFinite(x) && x > 0) ? xs : null;
}

/** Queue a sweep: which algorithms, which β, how long; sized for a browser by default. */
export function SweepBuilder({ disabled, onStart, onExport }: Props) {
  const [on, setOn] = useState<Partial<Record<AlgorithmId, boolean>>>(() =>
    Object.fromEntries(OFFERED.map((a) => [a, true])),
  );
  const [betas, setBetas] = useState<string>(QUICK_PRESET.betas);
  const [steps, setSteps] = useState<number>(QUICK_PRESET.updates);
  const [prompts, setPrompts] = useState<number>(QUICK_PRESET.prompts);
  const [evalPrompts, setEvalPrompts] = useState<number>(QUICK_PRESET.evalPrompts);
  const [evalEvery, setEvalEvery] = useState<number>(QUICK_PRESET.evalEvery);
  /** Replicate seeds: ≥ 2 draws each run as mean ± s.e. across seeds, a band. */
  const [seeds, setSeeds] = useState<number>(QUICK_PRESET.seeds);
  /** The export under way (it reads π_ref's weights in the worker), or why it failed. */
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const beta = parseBetas(betas);
  const int = (v: string, f: number) => {
    const x = Math.round(Number(v));
    return Number.isFinite(x) && x > 0 ? x : f;
  };
  const build = (): SweepInput =>
    buildSweep({ on, betas: beta ?? [], steps, prompts, evalPrompts, evalEvery, seeds });
  const count = Object.values(on).filter(Boolean).length;
  // The worker refuses a sweep whose runs cannot spend one budget (PPO's iterations must divide
  // it): say so here, before Start.
  let problem: string | null = null;
  try {
    parseSweepConfig(build());
  } catch (e) {
    problem = e instanceof Error ? e.message : String(e);
  }
  const ready = !disabled && count > 0 && !(on.dpo && !beta) && problem === null;
  return (
    <fieldset className="fields sweep-builder" disabled={disabled}>
      <legend>Sweep: runs one after another in the worker</legend>
      {OFFERED.map((a) => (
        <label key={a} className="check">
          <span>
            <input
              type="checkbox"
              checked={on[a] ?? false}
              data-testid={`sweep-${a}`}
              onChange={(e) => setOn({ ...on, [a]: e.target.checked })}
            />{' '}
            {ALGORITHMS[a].builder?.label}
          </span>
          {a === 'dpo' && (
            <input
              value={betas}
              aria-label="β values"
              data-testid="sweep-betas"
              aria-invalid={!beta}
              onChange={(e) => setBetas(e.target.value)}
            />
          )}
        </label>
      ))}
      <label>
        updates per trained run
        <input
          type="number"
          min="1"
          value={steps}
          data-testid="sweep-steps"
          onChange={(e) => setSteps(int(e.target.value, steps))}
        />
      </label>
      <label>
        prompts (× 4 samples)
        <input
          type="number"
          min="1"
          value={prompts}
          data-testid="sweep-prompts"
          onChange={(e) => setPrompts(int(e.target.value, prompts))}
        />
      </label>
      <label>
        eval prompts
        <input
          type="number"
          min="1"
          value={evalPrompts}
          data-testid="sweep-eval-prompts"
          onChange={(e) => setEvalPrompts(int(e.target.value, evalPrompts))}
        />
      </label>
      <label>
        evaluate every
        <input
          type="number"
          min="1"
          value={evalEvery}
          data-testid="sweep-eval-every"
          onChange={(e) => setEvalEvery(int(e.target.value, evalEvery))}
        />
      </label>
      <label>
        seeds
        <input
          type="number"
          min="1"
          max="5"
          value={seeds}
          data-testid="sweep-seeds"
          onChange={(e) => setSeeds(Math.min(5, int(e.target.value, seeds)))}
        />
      </label>
      {problem && (
        <p className="hint fields-note" role="alert" data-testid="sweep-problem">
          {problem}
        </p>
      )}
      <p className="hint fields-note">
        The SFT model is always the first point. Every trained run spends the same budget (the
        updates above and prompts × {K} reward-scored samples; PPO’s iterations fitted to it), as
        the headless runner does. Larger sweeps (e.g. the paper’s) run headless:{' '}
        <code>npm run frontier -- frontier/default.json</code>, or on Hugging Face TRL: Export as
        TRL job writes this sweep as a job folder (its README says how to run it), and Open a
        frontier below draws its results.
      </p>
      <div className="buttons">
        <button
          type="button"
          data-testid="sweep-start"
          disabled={!ready}
          onClick={() => onStart(build())}
        >
          ▶ Run sweep
        </button>
        <button
          type="button"
          className="secondary"
          data-testid="sweep-export-trl"
          disabled={!ready || exporting}
          title="the same sweep, from this page's SFT model, as a Hugging Face TRL + Accelerate job folder (.zip)"
          onClick={() => {
            setExporting(true);
            setExportError(null);
            onExport(build())
              .catch((e: unknown) => setExportError(e instanceof Error ? e.message : String(e)))
              .finally(() => setExporting(false));
          }}
        >
          {exporting ? 'Exporting…' : 'Export as TRL job'}
        </button>
      </div>
      {exportError && (
        <p className="hint fields-note" role="alert" data-testid="sweep-export-error">
          Export failed: {exportError}
        </p>
      )}
    </fieldset>
  );
}
