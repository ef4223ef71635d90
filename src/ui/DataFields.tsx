import type { DpoRunSettings } from '../pipeline/settings';

interface Props {
  settings: DpoRunSettings;
  onSettings: (s: DpoRunSettings) => void;
  /** Fixed once pairs are sampled. */
  locked: boolean;
}

function int(v: string, fallback: number, min: number, max: number): number {
  const x = Math.round(Number(v));
  return Number.isFinite(x) && x >= min && x <= max ? x : fallback;
}

/**
 * Stage 2 of the pipeline: how preference pairs are made. K completions per prompt are
 * sampled from π_ref and ranked by the ground-truth reward; ties are dropped.
 */
export function DataFields({ settings: s, onSettings, locked }: Props) {
  const setData = (patch: Partial<DpoRunSettings['data']>) =>
    onSettings({ ...s, data: { ...s.data, ...patch } });
  const K = s.data.completionsPerPrompt;
  const perPrompt = s.data.pairing === 'all' ? (K * (K - 1)) / 2 : 1;
  return (
    <fieldset className="fields data-fields" disabled={locked}>
      <legend>Preference data, sampled from π_ref</legend>
      <label title="Review prefixes (2–8 tokens) taken from held-out reviews">
        prompts
        <input
          type="number"
          min="1"
          max="512"
          value={s.data.prompts}
          data-testid="data-prompts"
          onChange={(e) => setData({ prompts: int(e.target.value, s.data.prompts, 1, 512) })}
        />
      </label>
      <label title="Completions sampled per prompt (the paper: 4)">
        K per prompt
        <input
          type="number"
          min="2"
          max="16"
          value={K}
          data-testid="data-k"
          onChange={(e) => setData({ completionsPerPrompt: int(e.target.value, K, 2, 16) })}
        />
      </label>
      <label title="Sampling temperature of π_ref: higher gives more varied pairs">
        temperature
        <input
          type="number"
          min="0.1"
          max="3"
          step="0.1"
          value={s.data.temperature}
          data-testid="data-temperature"
          onChange={(e) => {
            const t = Number(e.target.value);
            if (Number.isFinite(t) && t > 0 && t <= 3) setData({ temperature: t });
          }}
        />
      </label>
      <label title="Tokens sampled per completion">
        new tokens
        <input
          type="number"
          min="2"
          max="48"
          value={s.data.maxNewTokens}
          onChange={(e) =>
            setData({ maxNewTokens: int(e.target.value, s.data.maxNewTokens, 2, 48) })
          }
        />
      </label>
      <label title="Which ordered pairs of the K ranked completions become training pairs">
        pairing
        <select
          value={s.data.pairing}
          data-testid="data-pairing"
          onChange={(e) =>
            setData({ pairing: e.target.value as DpoRunSettings['data']['pairing'] })
          }
        >
          <option value="all">all pairs (≤ K(K−1)/2)</option>
          <option value="best-vs-worst">best vs worst (1)</option>
        </select>
      </label>
      <label title="Seeds sampling, shuffling and evaluation">
        seed
        <input
          type="number"
          min="1"
          value={s.seed}
          onChange={(e) => onSettings({ ...s, seed: int(e.target.value, s.seed, 1, 2 ** 31) })}
        />
      </label>
      <p className="hint fields-note">
        Up to {s.data.prompts * perPrompt} pairs: {s.data.prompts} prompts × {perPrompt} pair
        {perPrompt === 1 ? '' : 's'} each, fewer where rewards tie.
      </p>
    </fieldset>
  );
}
