import { lossParamsOf } from '../objectives/lossConfig';
import { algorithmReads, notTrainedHere } from '../pipeline/algorithms/playground';
import type { PlaygroundConfig } from '../share/playgroundConfig';
import { applyPreset, CONFIG_PRESET_NAMES, CONFIG_PRESETS } from '../share/presets';
import { canReset, isBusy, type RunState } from '../worker/runState';
import { DataFields } from './DataFields';
import { SettingField, type SettingPath, settingAt } from './SettingField';
import { TeachingFields } from './TeachingFields';

interface Props {
  config: PlaygroundConfig;
  /** A setting changed (live ones may change mid-run: the caller sends them on). */
  onSetting: (path: SettingPath, value: unknown) => void;
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
}

/** Play / pause / step / reset and the run's hyper-parameters. */
export function RunControls(p: Props) {
  const c = p.config;
  const locked = p.run !== 'empty';
  const training = p.run === 'training';
  const busy = isBusy(p.run);
  /** Whether the chosen algorithm reads the setting (its declaration's usedBy). */
  const reads = (path: SettingPath) => algorithmReads(c.algorithm, settingAt(path).meta.usedBy);
  const notTrained = notTrainedHere(c.algorithm);
  /** Fixed once the run is prepared, unless the setting is live. */
  const field = (path: SettingPath) => (
    <SettingField
      key={path}
      path={path}
      config={c}
      onChange={p.onSetting}
      disabled={locked && !settingAt(path).meta.live}
    />
  );
  return (
    <section className="card controls" aria-label="Run controls">
      <div className="buttons">
        <button
          type="button"
          data-testid="run-start"
          onClick={p.onStart}
          disabled={!p.canRun || busy || p.run === 'done' || !!notTrained}
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
          disabled={!p.canRun || busy || p.run === 'done' || !!notTrained}
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
        {field('algorithm')}
        {/* DPO: the objective, β and exactly the hyperparameters the objective reads. */}
        {algorithmReads(c.algorithm, ['preference-loss']) &&
          ['loss.type', 'loss.beta', ...lossParamsOf(c.loss.type).map((k) => `loss.${k}`)].map(
            field,
          )}
        {!notTrained && ['optim.lr', 'steps', 'batchSize', 'optim.kind'].filter(reads).map(field)}
      </div>
      {notTrained ? (
        <p className="hint" role="note" data-testid="algorithm-note">
          {notTrained}
        </p>
      ) : (
        <>
          {!p.imported && (
            <DataFields config={c} onSetting={p.onSetting} locked={locked} reads={reads} />
          )}
          <TeachingFields
            config={c}
            onSetting={p.onSetting}
            locked={locked}
            imported={p.imported}
            reads={reads}
          />
          <p className="hint">
            {c.algorithm === 'dpo'
              ? 'β: higher keeps π_θ nearer π_ref (a stronger KL leash). β and the learning rate can be changed while training.'
              : 'Trained for the steps set here (PPO: iterations), evaluated as DPO is; its own settings keep their sweep defaults. The learning rate can be changed while training.'}
          </p>
        </>
      )}
    </section>
  );
}

function statusText(p: Props): string {
  if (p.run === 'preparing' && p.progress) {
    const what =
      p.progress.stage === 'sampling'
        ? 'sampling pairs from π_ref'
        : p.progress.stage === 'reward-model'
          ? 'training the reward model (PPO’s prerequisite)'
          : 'caching π_ref';
    return `${what} ${p.progress.done}/${p.progress.total}`;
  }
  if (p.run === 'loading-checkpoint') return 'loading the SFT checkpoint…';
  if (p.run === 'sft') return 'training the SFT model (stage 1)…';
  if (p.run === 'empty') return 'ready: press Train';
  return `${p.run} · step ${p.step}/${p.steps}`;
}
