import { useState } from 'react';
import { type PresetName, parameterCount } from '../model/config';
import { BROWSER_SFT_SETTINGS, SFT_SETTINGS, type SftSettings } from '../pipeline/settings';
import type { MetricPoint } from '../pipeline/views';
import { SHIPPED_MODELS } from '../share/models';
import type { CheckpointSummary } from '../worker/protocol';
import { isBusy, type RunState } from '../worker/runState';
import { MetricChart, type MetricSeries } from './charts/MetricChart';
import { FileButton } from './FileButton';
import type { ModelChoiceView } from './modelChoice';
import { SettingControl } from './SettingField';

interface Props {
  checkpoint: CheckpointSummary | null;
  run: RunState;
  progress: { stage: string; done: number; total: number } | null;
  points: MetricPoint[];
  onTrain: (s: SftSettings) => void;
  onStop: () => void;
  onRestore: () => void;
  corpus: { name: string; note: string } | null;
  onImportModel: (files: File[]) => void;
  onImportCorpus: (file: File) => void;
  /** The shipped model in use and why; null while the speed probe runs. */
  model: ModelChoiceView | null;
  onModel: (preset: PresetName) => void;
}

const SFT_LOSS: MetricSeries[] = [{ key: 'loss', label: 'train loss', color: 'var(--accent)' }];

function checkpointText(c: CheckpointSummary | null): string {
  if (!c) return 'loading…';
  const origin =
    c.url === 'browser-sft'
      ? 'trained on this page'
      : SHIPPED_MODELS.some((m) => c.url.endsWith(`/${m.file}`))
        ? 'shipped checkpoint'
        : `imported: ${c.url}`;
  const fluency = c.meta.fluency === undefined ? '' : `, fluency ${String(c.meta.fluency)}`;
  return `${origin}, ${c.preset || 'custom'}, ${c.parameters.toLocaleString()} parameters, held-out loss ${String(c.meta.heldOutLoss ?? '?')}${fluency}`;
}

const HOW: Record<ModelChoiceView['how'], string> = {
  probe: 'chosen for this machine',
  link: 'from the link',
  user: 'your choice',
};

/** The shipped checkpoints, the one in use, and why it was chosen (probe, link or user). */
function ModelPicker(p: Pick<Props, 'model' | 'onModel'> & { disabled: boolean }) {
  return (
    <div className="buttons" data-testid="model-choice" data-model={p.model?.preset ?? ''}>
      <label>
        shipped model{' '}
        <select
          data-testid="model-select"
          value={p.model?.preset ?? ''}
          disabled={p.disabled || !p.model}
          onChange={(e) => p.onModel(e.target.value as PresetName)}
        >
          {!p.model && <option value="">measuring…</option>}
          {SHIPPED_MODELS.map((m) => (
            <option key={m.preset} value={m.preset}>
              {m.preset} ({parameterCount(m.config).toLocaleString('en-US')} parameters)
            </option>
          ))}
        </select>
      </label>
      <span className="muted" data-testid="model-reason">
        {p.model
          ? `${p.model.preset}, ${HOW[p.model.how]}: ${p.model.reason}`
          : 'timing a training step of each shipped size to pick the default…'}
      </span>
    </div>
  );
}

/** The settings the panel offers; the others keep their defaults. */
const SFT_FIELDS = ['preset', 'steps', 'batchSize', 'lr', 'vocabSize'] as const;

/** Stage 1: the SFT model that becomes π_ref — shipped, or trained here from scratch. */
export function SftPanel(p: Props) {
  const [s, setS] = useState<SftSettings>(BROWSER_SFT_SETTINGS);
  const training = p.run === 'sft';
  const idle = !isBusy(p.run);
  return (
    <details className="card sft" data-testid="sft-panel">
      <summary>
        <strong>Stage 1 · SFT model (π_ref)</strong>{' '}
        <span className="muted" data-testid="checkpoint-info">
          {checkpointText(p.checkpoint)}
        </span>
      </summary>
      <ModelPicker model={p.model} onModel={p.onModel} disabled={!idle} />
      <p className="hint">
        DPO starts from a supervised fine-tuned model, which is also the frozen reference π_ref. Two
        ship: nano, made by <code>npm run pretrain</code> (2,000 steps in Node), and micro, made by{' '}
        <code>npm run pretrain:torch</code> (PyTorch on the CPU). At load a short probe times a
        training step of each and picks the largest whose default demo fits 3 minutes here; pick
        another above (or add <code>model=</code> to the link). Fluency is the share of sampled
        words that are words of the review corpus (temperature 1, held-out prompts). Train a new one
        here: a byte-level BPE tokenizer is learned from the built-in reviews, then a GPT of the
        chosen size learns next-token prediction. Fast on a real GPU; slow on a software one.
        Stopping early keeps the model trained so far.
      </p>
      <fieldset className="fields" disabled={training}>
        {SFT_FIELDS.map((key) => (
          <SettingControl
            key={key}
            setting={SFT_SETTINGS[key]}
            value={s[key]}
            onValue={(v) => setS({ ...s, [key]: v })}
          />
        ))}
      </fieldset>
      <div className="buttons">
        <button
          type="button"
          data-testid="sft-start"
          disabled={!idle}
          onClick={() =>
            p.onTrain({ ...s, warmupSteps: Math.min(s.warmupSteps, Math.ceil(s.steps / 10)) })
          }
        >
          Train SFT model
        </button>
        <button type="button" data-testid="sft-stop" disabled={!training} onClick={p.onStop}>
          Stop and use it
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!idle || p.checkpoint?.url !== 'browser-sft'}
          onClick={p.onRestore}
        >
          Back to the shipped checkpoint
        </button>
      </div>
      <div className="buttons">
        <FileButton
          secondary
          multiple
          accept=".json,.safetensors,.txt"
          testId="model-files"
          disabled={!idle}
          onFiles={p.onImportModel}
        >
          Import a model…
        </FileButton>
        <FileButton
          secondary
          accept=".txt,.md,.jsonl,.json"
          testId="corpus-file"
          disabled={!idle}
          onFiles={([f]) => p.onImportCorpus(f)}
        >
          SFT corpus…
        </FileButton>
        <span className="muted" data-testid="corpus-info">
          {p.corpus
            ? `corpus: ${p.corpus.name} (${p.corpus.note})`
            : 'corpus: the built-in reviews'}
        </span>
      </div>
      <p className="hint">
        A model is this app’s checkpoint (.json), or a Hugging Face GPT-2 folder’s files picked
        together: model.safetensors, config.json and tokenizer.json (or vocab.json and merges.txt).
      </p>
      {training && p.progress && (
        <label className="progress-label">
          {p.progress.stage === 'tokenizer' ? 'learning the tokenizer' : 'training'}{' '}
          {p.progress.done}/{p.progress.total}
          <progress
            max={p.progress.total}
            value={p.progress.done}
            data-testid="sft-progress"
            aria-label="SFT progress"
          />
        </label>
      )}
      {p.points.length > 0 && (
        <MetricChart
          title="SFT loss"
          testId="chart-sft-loss"
          points={p.points}
          series={SFT_LOSS}
          subtitle="mean next-token negative log-likelihood (nats) of a batch of review windows"
        />
      )}
    </details>
  );
}
