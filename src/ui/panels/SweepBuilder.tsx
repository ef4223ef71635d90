import { useState } from 'react';
import type { SweepInput } from '../../pipeline/frontier/config';

interface Props {
  disabled: boolean;
  onStart: (s: SweepInput) => void;
}

type Algo = 'dpo' | 'preferred-ft' | 'unlikelihood' | 'best-of-n' | 'ppo' | 'ppo-gt';

const LABELS: Record<Algo, string> = {
  dpo: 'DPO, β ∈',
  'preferred-ft': 'Preferred-FT',
  unlikelihood: 'Unlikelihood',
  'best-of-n': 'Best-of-N (N = 1, 2, 4, 8)',
  ppo: 'PPO (learned reward model)',
  'ppo-gt': 'PPO-GT (ground-truth reward)',
};

/** Parses "0.05, 0.1, 1" into positive numbers; null when any entry is not one. */
export function parseBetas(text: string): number[] | null {
  const xs = text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(Number);
  return xs.length && xs.every((x) => Number.isFinite(x) && x > 0) ? xs : null;
}

/** Queue a sweep: which algorithms, which β, how long; sized for a browser by default. */
export function SweepBuilder({ disabled, onStart }: Props) {
  const [on, setOn] = useState<Record<Algo, boolean>>({
    dpo: true,
    'preferred-ft': true,
    unlikelihood: false,
    'best-of-n': false,
    ppo: false,
    'ppo-gt': false,
  });
  const [betas, setBetas] = useState('0.1, 1');
  const [steps, setSteps] = useState(40);
  const [prompts, setPrompts] = useState(32);
  const [evalPrompts, setEvalPrompts] = useState(32);
  const [evalEvery, setEvalEvery] = useState(20);
  const beta = parseBetas(betas);
  const int = (v: string, f: number) => {
    const x = Math.round(Number(v));
    return Number.isFinite(x) && x > 0 ? x : f;
  };
  const build = (): SweepInput => {
    const runs: SweepInput['runs'] = [{ algorithm: 'sft' }];
    if (on.dpo) for (const b of beta ?? []) runs.push({ algorithm: 'dpo', beta: b });
    if (on['preferred-ft']) runs.push({ algorithm: 'preferred-ft' });
    if (on.unlikelihood) runs.push({ algorithm: 'unlikelihood' });
    if (on['best-of-n']) {
      runs.push({ algorithm: 'best-of-n', n: [1, 2, 4, 8], rewardModel: { steps: 60 } });
    }
    if (on.ppo)
      runs.push({ algorithm: 'ppo', steps: 10, evalEvery: 5, rewardModel: { steps: 60 } });
    if (on['ppo-gt']) runs.push({ algorithm: 'ppo-gt', steps: 10, evalEvery: 5 });
    return {
      name: `sweep-${new Date().toISOString().slice(11, 19).replaceAll(':', '')}`,
      data: { prompts },
      eval: { prompts: evalPrompts, every: evalEvery },
      train: { steps },
      runs,
    };
  };
  const count = Object.values(on).filter(Boolean).length;
  return (
    <fieldset className="fields sweep-builder" disabled={disabled}>
      <legend>Sweep: runs one after another in the worker</legend>
      {(Object.keys(LABELS) as Algo[]).map((a) => (
        <label key={a} className="check">
          <span>
            <input
              type="checkbox"
              checked={on[a]}
              data-testid={`sweep-${a}`}
              onChange={(e) => setOn({ ...on, [a]: e.target.checked })}
            />{' '}
            {LABELS[a]}
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
