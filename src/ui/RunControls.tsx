import { LOSS_TYPES, PREFERENCE_LOSSES, type PreferenceLossType } from '../objectives/lossConfig';
import type { DpoRunSettings } from '../pipeline/settings';
import type { PlaygroundConfig } from '../share/playgroundConfig';
import { applyPreset, CONFIG_PRESET_NAMES, CONFIG_PRESETS } from '../share/presets';
import { canReset, isBusy, type RunState } from '../worker/runState';
import { DataFields } from './DataFields';
import { TeachingFields } from './TeachingFields';

interface Props {
  settings: DpoRunSettings;
  onSettings: (s: DpoRunSettings) => void;
  /** A named preset replaces the whole configuration. */
  onPreset: (c: PlaygroundConfig) => void;
  /** Training on an imported file: the sampling settings do not apply. */
  imported: boolean;
  run: RunState;
  step: number;
  steps: number;
  progress: { stage: string; done: number; total: number } | null;
  canRun: boolean;
  onStart: () => void;
  onPause: () => void;
  onStep: () => void;
  onReset: () => void;
  /** β and lr may change mid-run. */
  onLive: (patch: { beta?: number; lr?: number }) => void;
}

function num(v: string, fallback: number): number {
  const x = Number(v);
  return Number.isFinite(x) && x > 0 ? x : fallback;
}

/** A whole number ≥ 1 fixed once the run is prepared (steps, batch size). */
function CountField(p: {
  label: string;
  value: number;
  locked: boolean;
  onChange: (v: number) => void;
}) {
  return (
    <label>
      {p.label}
      <input
        type="number"
        min="1"
        value={p.value}
        disabled={p.locked}
        onChange={(e) => p.onChange(Math.round(num(e.target.value, p.value)))}
      />
    </label>
  );
}

/** Play / pause / step / reset and the run's hyper-parameters. */
export function RunControls(p: Props) {
  const s = p.settings;
  const locked = p.run !== 'empty';
  const training = p.run === 'training';
  const busy = isBusy(p.run);
  const setLoss = (patch: Partial<DpoRunSettings['loss']>) =>
    p.onSettings({ ...s, loss: { ...s.loss, ...patch } });
  return (
    <section className="card controls" aria-label="Run controls">
      <div className="buttons">
        <button
          type="button"
          data-testid="run-start"
          onClick={p.onStart}
          disabled={!p.canRun || busy || p.run === 'done'}
        >
          {p.run === 'paused' ? '▶ Resume' : '▶ Train'}
        </button>
        <button type="button" data-testid="run-pause" onClick={p.onPause} disabled={!training}>
          ❚❚ Pause
        </button>
        <button
          type="button"
          data-testid="run-step"
          onClick={p.onStep}
          disabled={!p.canRun || busy || p.run === 'done'}
        >
          Step
        </button>
        <button
          type="button"
          className="secondary"
          data-testid="run-reset"
          onClick={p.onReset}
          disabled={!canReset(p.run)}
        >
          Reset
        </button>
        <span className="run-status" data-testid="run-status" data-state={p.run}>
          {statusText(p)}
        </span>
      </div>
      {p.progress && p.run === 'preparing' && (
        <progress
          max={p.progress.total}
          value={p.progress.done}
          aria-label={`${p.progress.stage} progress`}
        />
      )}
      <div className="fields">
        <label title="Named starting points; the link in the address bar always holds the current settings">
          preset
          <select
            value=""
            disabled={locked}
            data-testid="preset-select"
            onChange={(e) => {
              const name = e.target.value as (typeof CONFIG_PRESET_NAMES)[number];
              if (name) p.onPreset(applyPreset(name));
            }}
          >
            <option value="">choose…</option>
            {CONFIG_PRESET_NAMES.map((name) => (
              <option key={name} value={name} title={CONFIG_PRESETS[name].description}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          objective
          <select
            value={s.loss.type}
            disabled={locked}
            onChange={(e) => setLoss({ type: e.target.value as PreferenceLossType })}
          >
            {LOSS_TYPES.map((t) => (
              <option key={t} value={t}>
                {PREFERENCE_LOSSES[t].label}
              </option>
            ))}
          </select>
        </label>
        <label title="Higher β keeps π_θ closer to π_ref">
          β
          <input
            type="number"
            step="0.05"
            min="0.01"
            value={s.loss.beta}
            data-testid="beta-input"
            onChange={(e) => {
              const beta = num(e.target.value, s.loss.beta);
              setLoss({ beta });
              if (locked) p.onLive({ beta });
            }}
          />
        </label>
        <label>
          learning rate
          <input
            type="number"
            step="0.0005"
            min="0"
            value={s.optim.lr}
            onChange={(e) => {
              const lr = num(e.target.value, s.optim.lr);
              p.onSettings({ ...s, optim: { ...s.optim, lr } });
              if (locked) p.onLive({ lr });
            }}
          />
        </label>
        <CountField
          label="steps"
          value={s.steps}
          locked={locked}
          onChange={(steps) => p.onSettings({ ...s, steps })}
        />
        <CountField
          label="pairs / batch"
          value={s.batchSize}
          locked={locked}
          onChange={(batchSize) => p.onSettings({ ...s, batchSize })}
        />
        <label>
          optimiser
          <select
            value={s.optim.kind}
            disabled={locked}
            onChange={(e) =>
              p.onSettings({
                ...s,
                optim: { ...s.optim, kind: e.target.value as DpoRunSettings['optim']['kind'] },
              })
            }
          >
            <option value="adam">Adam</option>
            <option value="rmsprop">RMSprop (reference code)</option>
          </select>
        </label>
      </div>
      {!p.imported && <DataFields settings={s} onSettings={p.onSettings} locked={locked} />}
      <TeachingFields
        settings={s}
        onSettings={p.onSettings}
        locked={locked}
        imported={p.imported}
      />
      <p className="hint">
        β: higher keeps π_θ nearer π_ref (a stronger KL leash). β and the learning rate can be
        changed while training.
      </p>
    </section>
  );
}

function statusText(p: Props): string {
  if (p.run === 'preparing' && p.progress) {
    const what = p.progress.stage === 'sampling' ? 'sampling pairs from π_ref' : 'caching π_ref';
    return `${what} ${p.progress.done}/${p.progress.total}`;
  }
  if (p.run === 'loading-checkpoint') return 'loading the SFT checkpoint…';
  if (p.run === 'sft') return 'training the SFT model (stage 1)…';
  if (p.run === 'empty') return 'ready: press Train';
  return `${p.run} · step ${p.step}/${p.steps}`;
}
