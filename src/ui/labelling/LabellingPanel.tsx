import { useId } from 'react';
import type { LabelChoice, LabelCounts, LabelView } from '../../data/labels';
import type { AgreementPoint } from '../../objectives/agreement';
import {
  PAIR_ORDER_LABELS,
  PAIR_ORDERS,
  type PairOrder,
} from '../../pipeline/labelling/pairChoice';
import type { WhatChanged } from '../../task/textStats';
import type { LabelImportSummary, WordRewardView } from '../../worker/labelProtocol';
import { AgreementChart } from './AgreementChart';
import { SHORTCUTS } from './keys';
import { type LabelCandidateView, LabelCard } from './LabelCard';
import { LabelsTable } from './LabelsTable';
import { WhatChangedTable } from './WhatChangedTable';
import { WordRewardNote } from './WordRewardNote';
import './labelling.css';
import { FileButton } from '../FileButton';

export interface LabellingPanelProps {
  candidate: LabelCandidateView | null;
  loading: boolean;
  labels: LabelView[];
  counts: LabelCounts;
  agreement: AgreementPoint[];
  whatChanged: WhatChanged | null;
  /** The word reward of the last training on the labels, if that route trained. */
  wordReward?: WordRewardView | null;
  /** The last import; `test`: its rows about the test round (the worker sends it beside). */
  imported?: LabelImportSummary | null;
  /** Which model samples the next pairs; π_θ only once a run exists. */
  sampleFrom: 'ref' | 'policy';
  canSamplePolicy: boolean;
  onSampleFrom(from: 'ref' | 'policy'): void;
  /** Which waiting pair is shown next: the one differing in most new words, or the first. */
  pairOrder: PairOrder;
  onPairOrder(order: PairOrder): void;
  onLabel(choice: LabelChoice): void;
  onEdit(id: string, choice: LabelChoice): void;
  onRemove(id: string): void;
  /** Trains (or goes on training) DPO on the labels; disabled while nothing can be trained. */
  onTrain(): void;
  canTrain: boolean;
  /** A round of `n` fresh pairs to label, never trained on; null when none is running. */
  onTestMe(n: number): void;
  testLeft: number;
  onWhatChanged(): void;
  canCompare: boolean;
  onExport(): void;
  onImport(file: File): void;
  busy: boolean;
}

/** Decided pairs of a "test me" round: ~±15 points of 95 % interval at 75 %. */
const TEST_ROUND = 32;

/**
 * "You are the reward model": label pairs sampled from π_ref (or π_θ), train DPO on them, and
 * watch the implicit reward agree with you and π_θ's samples drift your way.
 */
export function LabellingPanel(p: LabellingPanelProps) {
  const titleId = useId();
  const testN = TEST_ROUND;
  return (
    <section
      className="card panel labelling-panel"
      aria-labelledby={titleId}
      data-testid="labelling-panel"
    >
      <h2 id={titleId}>You are the reward model</h2>
      <p className="hint">
        Pick the better completion: DPO learns your taste from your labels alone. Keys:{' '}
        {SHORTCUTS.map((s) => (
          <span key={s.key} className="shortcut">
            <kbd>{s.key}</kbd> {s.label}
          </span>
        ))}
        . Nothing you label leaves this browser.
      </p>
      <div className="label-toolbar">
        <label>
          sample pairs from{' '}
          <select
            value={p.sampleFrom}
            onChange={(e) => p.onSampleFrom(e.target.value as 'ref' | 'policy')}
            data-testid="label-source"
          >
            <option value="ref">π_ref (the SFT model)</option>
            <option value="policy" disabled={!p.canSamplePolicy}>
              π_θ (the model being trained)
            </option>
          </select>
        </label>
        <label title="New words first: of the pairs waiting, show the one whose completions differ in the most words no pair you have labelled differed in. The same number of labels then covers more of what your taste is about. The Test me round is always shown as sampled.">
          show{' '}
          <select
            value={p.pairOrder}
            onChange={(e) => p.onPairOrder(e.target.value as PairOrder)}
            data-testid="label-order"
          >
            {PAIR_ORDERS.map((o) => (
              <option key={o} value={o}>
                {PAIR_ORDER_LABELS[o]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="labelling-grid">
        <LabelCard
          candidate={p.candidate}
          counts={p.counts}
          loading={p.loading}
          onLabel={p.onLabel}
        />
        <div className="labelling-side">
          <div className="label-buttons">
            <button
              type="button"
              data-testid="label-train"
              disabled={!p.canTrain}
              onClick={p.onTrain}
            >
              Train on my labels
            </button>
            <button
              type="button"
              className="secondary"
              data-testid="label-test"
              disabled={p.busy || p.testLeft > 0}
              onClick={() => p.onTestMe(testN)}
            >
              {p.testLeft > 0 ? `Test me: ${p.testLeft} left` : `Test me (${testN} fresh pairs)`}
            </button>
            <button
              type="button"
              className="secondary"
              data-testid="what-changed-run"
              disabled={!p.canCompare}
              onClick={p.onWhatChanged}
            >
              What changed?
            </button>
          </div>
          <AgreementChart series={p.agreement} />
          <WordRewardNote view={p.wordReward ?? null} />
        </div>
      </div>
      <h3 className="subhead">What changed</h3>
      <WhatChangedTable data={p.whatChanged} />
      <details className="teacher-tools">
        <summary>Your labels ({p.labels.length}) and teacher tools</summary>
        <div className="label-buttons">
          <button
            type="button"
            className="secondary"
            data-testid="labels-export"
            disabled={p.counts.decided === 0}
            onClick={p.onExport}
          >
            Export labels (TRL JSONL)
          </button>
          <FileButton
            secondary
            accept=".jsonl,.json,.csv"
            testId="labels-import"
            onFiles={([f]) => p.onImport(f)}
          >
            Import a pooled file
          </FileButton>
        </div>
        <p className="hint">
          A class can pool its exports (concatenate the .jsonl files; a "labeller" field names who
          labelled each row) and import the result. The same pair labelled twice is one label: the
          majority decides, an even split is a tie. Pairs of your test round never train.
        </p>
        {p.imported && (
          <p className="hint" data-testid="labels-imported">
            {p.imported.file}: {p.imported.added} labels added from {p.imported.rows} rows (
            {p.imported.duplicates} duplicates merged, {p.imported.conflicts} conflicts,{' '}
            {p.imported.known} already here, {p.imported.skipped} lines skipped).
            {p.imported.test > 0 &&
              ` ${p.imported.test} ${p.imported.test === 1 ? 'row is a test pair' : 'rows are test pairs'}: kept out of training.`}
          </p>
        )}
        <LabelsTable labels={p.labels} onEdit={p.onEdit} onRemove={p.onRemove} />
      </details>
    </section>
  );
}
