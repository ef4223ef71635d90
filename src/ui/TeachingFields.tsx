import type { DpoRunSettings } from '../pipeline/settings';

interface Props {
  settings: DpoRunSettings;
  onSettings: (s: DpoRunSettings) => void;
  /** Fixed once the run is prepared. */
  locked: boolean;
  /** Training on an imported file: no reward to label new rounds, no sampled labels to flip. */
  imported: boolean;
}

function int(v: string, fallback: number, min: number, max: number): number {
  const x = Math.round(Number(v));
  return Number.isFinite(x) && x >= min && x <= max ? x : fallback;
}

function real(v: string, fallback: number, min: number, max: number): number {
  const x = Number(v);
  return Number.isFinite(x) && x >= min && x <= max ? x : fallback;
}

/**
 * The teaching controls: online DPO rounds (fresh pairs from π_θ each round), label noise
 * (a share of the sampled labels flipped) and TR-DPO's reference refresh.
 */
export function TeachingFields({ settings: s, onSettings, locked, imported }: Props) {
  const rounds = s.rounds ?? 1;
  const every = s.refSyncSteps ?? 0;
  const perRound = Math.ceil(s.steps / Math.max(1, rounds));
  return (
    <fieldset className="fields data-fields" disabled={locked}>
      <legend>Online rounds, label noise, reference refresh</legend>
      {!imported && (
        <label title="Online (iterative) DPO: after each round, sample new pairs from the current π_θ, label them with the reward and train on them. 1: offline DPO">
          rounds
          <input
            type="number"
            min="1"
            max="100"
            value={rounds}
            data-testid="rounds-input"
            onChange={(e) => onSettings({ ...s, rounds: int(e.target.value, rounds, 1, 100) })}
          />
        </label>
      )}
      {!imported && (
        <label title="Share of the sampled pairs whose chosen and rejected are swapped (seeded); cDPO and robust DPO assume such a rate ε">
          label noise
          <input
            type="number"
            min="0"
            max="0.5"
            step="0.05"
            value={s.data.labelNoise ?? 0}
            data-testid="label-noise-input"
            onChange={(e) =>
              onSettings({
                ...s,
                data: {
                  ...s.data,
                  labelNoise: real(e.target.value, s.data.labelNoise ?? 0, 0, 0.5),
                },
              })
            }
          />
        </label>
      )}
      <label title="TR-DPO: every k steps π_ref ← α·π_θ + (1−α)·π_ref and its log-probs are recomputed. 0: π_ref stays the SFT model">
        refresh π_ref every
        <input
          type="number"
          min="0"
          value={every}
          data-testid="ref-sync-input"
          onChange={(e) =>
            onSettings({ ...s, refSyncSteps: int(e.target.value, every, 0, 100_000) })
          }
        />
      </label>
      <label title="α of the refresh: 1 copies π_θ into π_ref (hard), less mixes (soft)">
        refresh α
        <input
          type="number"
          min="0.05"
          max="1"
          step="0.05"
          value={s.refMixupAlpha ?? 1}
          disabled={every === 0}
          data-testid="ref-alpha-input"
          onChange={(e) =>
            onSettings({ ...s, refMixupAlpha: real(e.target.value, s.refMixupAlpha ?? 1, 0.01, 1) })
          }
        />
      </label>
      <p className="hint fields-note">
        {rounds > 1
          ? `${rounds} rounds of ${perRound} steps; π_ref stays the SFT model, so the KL is to it. `
          : 'One offline round on pairs from π_ref. '}
        {every > 0
          ? `π_ref moves towards π_θ every ${every} steps (α = ${s.refMixupAlpha ?? 1}).`
          : ''}
      </p>
    </fieldset>
  );
}
