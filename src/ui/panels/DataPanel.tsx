import { type DragEvent, memo, useState } from 'react';
import type { DatasetSummary } from '../../worker/protocol';
import './panels.css';
import { FileButton } from '../FileButton';

interface Props {
  dataset: DatasetSummary | null;
  /** Imports are refused while a run or SFT is busy. */
  disabled: boolean;
  onFile: (file: File) => void;
  onBuiltin: () => void;
}

const pct = (n: number, d: number) => (d ? `${Math.round((100 * n) / d)}%` : '—');

/**
 * Where the preference pairs come from: the built-in task, or a file the user brings
 * (TRL JSONL, implicit-prompt HH, conversational, ShareGPT; JSONL, JSON or CSV).
 */
export const DataPanel = memo(function DataPanel({ dataset, disabled, onFile, onBuiltin }: Props) {
  const [over, setOver] = useState(false);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files[0];
    if (f && !disabled) onFile(f);
  };
  return (
    // A drop target for files (a named region); the file input is the keyboard and
    // screen-reader path.
    <section
      className={`card panel data-panel${over ? ' drop-over' : ''}`}
      aria-labelledby="data-title"
      data-testid="data-panel"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <h2 id="data-title">Stage 2 · Preference data</h2>
      <p className="hint">
        {dataset
          ? 'Training on your file. π_θ is evaluated on the held-out prompts (KL only: there is no ground-truth reward for your data).'
          : 'Built in: completions sampled from π_ref and labelled by the sentiment reward. Or drop a preference file here: TRL JSONL {prompt, chosen, rejected}, implicit-prompt (HH), conversational or ShareGPT, as JSONL, JSON or CSV. It stays on this machine.'}
      </p>
      <div className="buttons">
        <FileButton
          accept=".jsonl,.json,.csv,.txt"
          testId="data-file"
          disabled={disabled}
          onFiles={([f]) => onFile(f)}
        >
          Import preference file…
        </FileButton>
        <button
          type="button"
          className="secondary"
          disabled={disabled || !dataset}
          onClick={onBuiltin}
        >
          Use the built-in task
        </button>
      </div>
      {dataset && <DatasetReport d={dataset} />}
    </section>
  );
});

function DatasetReport({ d }: { d: DatasetSummary }) {
  const t = d.truncation;
  return (
    <div className="dataset-report" data-testid="dataset-report">
      <dl className="facts">
        <dt>file</dt>
        <dd>
          {d.name} ({d.format}, {d.layout})
        </dd>
        <dt>pairs</dt>
        <dd data-testid="dataset-pairs">
          {d.pairs.toLocaleString('en')} to train on, {d.heldOut} held out for evaluation
        </dd>
        <dt>tokens</dt>
        <dd data-testid="dataset-convention">
          {d.convention === 'eot-prompt'
            ? 'end-of-text before each prompt, completions as written'
            : 'as TRL 1.13: nothing before the prompt, end-of-text after each completion'}
        </dd>
        <dt>skipped rows</dt>
        <dd data-testid="dataset-skipped">{d.skippedCount.toLocaleString('en')}</dd>
        <dt>context</dt>
        <dd data-testid="truncation-report">
          {t.fit} of {t.total} fit in {d.blockSize} tokens ({pct(t.fit, t.total)}); prompt cut from
          the left in {t.promptTruncated}, a completion cut in {t.completionTruncated}, dropped{' '}
          {t.dropped}
        </dd>
      </dl>
      {d.skipped.length > 0 && (
        <details className="skips">
          <summary>Why rows were skipped ({d.skipped.length} shown)</summary>
          <ul>
            {d.skipped.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </details>
      )}
      {d.warnings.map((w) => (
        <p key={w} className="notice">
          {w}
        </p>
      ))}
    </div>
  );
}
