import { useState } from 'react';
import { ALGORITHM_IDS, ALGORITHMS, type AlgorithmId } from '../../pipeline/algorithms/registry';
import type { SweepInput } from '../../pipeline/frontier/sweepConfig';

interface Props {
  disabled: boolean;
  onStart: (s: SweepInput) => void;
}

/** The algorithms the builder offers (the registry's, minus SFT: always the first point). */
const OFFERED = ALGORITHM_IDS.filter((a) => ALGORITHMS[a].builder !== null);
/** Checked at first: DPO against the simplest baseline. */
const FIRST_ON: readonly AlgorithmId[] = ['dpo', 'preferred-ft'];

/** Parses "0.05, 0.1, 1" into positive numbers; null when any entry is not one. */
function parseBetas(text: string): number[] | null {
  const xs = text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(Number);
  return xs.length && xs.every((x) => Number.isFinite(x) && x > 0) ? xs : null;
}

/** Queue a sweep: which algorithms, which β, how long; sized for a browser by default. */
export function SweepBuilder({ disabled, onStart }: Props) {
  const [on, setOn] = useState<Partial<Record<AlgorithmId, boolean>>>(() =>
    Object.fromEntries(OFFERED.map((a) => [a, FIRST_ON.includes(a)])),
  );
  const [betas, setBetas] = useState('0.1, 1');
  const [steps, setSteps] = useState(40);
  const [prompts, setPrompts] = useState(32);
  const [evalPrompts, setEvalPrompts] = useState(32);
  const [evalEvery, setEvalEvery] = useState(20);
  /** Replicate seeds: ≥ 2 draws each run as mean ± s.e. across seeds, a band. */
  const [seeds, setSeeds] = useState(1);
  const beta = parseBetas(betas);
  const int = (v: string, f: number) => {
    const x = Math.round(Number(v));
    return Number.isFinite(x) && x > 0 ? x : f;
  };
  const build = (): SweepInput => {
    const runs: SweepInput['runs'] = [{ algorithm: 'sft' }];
    for (const a of OFFERED) {
      const run = ALGORITHMS[a].builder?.run;
      if (!on[a] || !run) continue;
      const queued = { ...run, algorithm: a } as SweepInput['runs'][number];
      // DPO: one run per β of the field.
      if (queued.algorithm === 'dpo') for (const b of beta ?? []) runs.push({ ...queued, beta: b });
      else runs.push(queued);
    }
    return {
      name: `sweep-${new Date().toISOString().slice(11, 19).replaceAll(':', '')}`,
      data: { prompts },
      eval: { prompts: evalPrompts, every: evalEvery },
      train: { steps },
      seeds: Array.from({ length: seeds }, (_, i) => i + 1),
      runs,
    };
  };
  const count = Object.values(on).filter(Boolean).length;
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
        steps per run
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
      <p className="hint fields-note">
        The SFT model is always the first point. Larger sweeps (e.g. the paper’s) run headless:{' '}
        <code>npm run frontier -- frontier/default.json</code>.
      </p>
      <button
        type="button"
        data-testid="sweep-start"
        disabled={disabled || count === 0 || (on.dpo && !beta)}
        onClick={() => onStart(build())}
      >
        ▶ Run sweep
      </button>
    </fieldset>
  );
}
