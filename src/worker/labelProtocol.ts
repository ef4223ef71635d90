/**
 * The labelling mode's messages ("you are the reward model"), joined into the worker's
 * request and event unions in protocol.ts.
 */
import type { LabelChoice, LabelCounts, LabelView } from '../data/labels';
import type { AgreementPoint } from '../objectives/agreement';
import type { PairOrder } from '../pipeline/labelling/pairChoice';
import type { DpoRunSettings } from '../pipeline/settings';
import type { WhatChanged } from '../task/textStats';

/** A pair waiting on the card (its token ids stay in the worker). */
export interface LabelCandidateEvent {
  prompt: string;
  a: string;
  b: string;
  sampledFrom: 'ref' | 'policy';
  test: boolean;
}

export type LabelRequest =
  /** The next pair to label, sampled from π_ref or π_θ with the run's generation settings. */
  | {
      type: 'label-next';
      from: 'ref' | 'policy';
      generation: LabelGenerationSettings;
      /** Which waiting pair is shown next (pipeline/labelling/pairChoice.ts). */
      order: PairOrder;
    }
  /** Labels the pair on the card and serves the next one. */
  | { type: 'label'; choice: LabelChoice }
  | { type: 'label-edit'; id: string; choice: LabelChoice }
  | { type: 'label-remove'; id: string }
  /** The next n pairs come from fresh prompts and are never trained on ("test me"). */
  | { type: 'label-test'; n: number }
  /**
   * DPO on the labels (any objective, one offline round): a new run from π_ref, or, when a run
   * on labels exists, the same π_θ and optimizer going on `settings.steps` more steps on the
   * labels as they are now.
   */
  | { type: 'label-train'; settings: DpoRunSettings; route?: LabelRoute }
  /** π_ref's and π_θ's samples of fresh prompts, compared. */
  | { type: 'what-changed' }
  /** The decided labels as TRL JSONL (an 'export-file' event). */
  | { type: 'label-export' }
  /** A class's pooled label file (TRL JSONL, optional `labeller`) added as labels. */
  | { type: 'label-import'; name: string; bytes: ArrayBuffer };

/**
 * How "Train on my labels" learns: DPO on the labels alone, or through a word reward fitted to
 * them that labels many sampled pairs for DPO (pipeline/labelling/wordReward.ts).
 */
export type LabelRoute = 'labels' | 'word-reward';

/** What an import of a pooled file did (data/labelImport.ts's rule). */
export interface LabelImportSummary {
  file: string;
  rows: number;
  added: number;
  duplicates: number;
  conflicts: number;
  /** Pairs already labelled, not imported again. */
  known: number;
  /** Rows about a held-out test pair: never training labels (counted, not added). */
  test: number;
  /** Lines that were no pair. */
  skipped: number;
}

/** The word reward a "word-reward" training fitted to the labels: its largest weights. */
export interface WordRewardView {
  words: { word: string; weight: number }[];
  /** Accuracy on the held-out labels; NaN without any. */
  heldOut: number;
  /** Pairs it picked from π_ref's samples, and the labels, that DPO trains on. */
  pairs: number;
  labels: number;
  /** False when it was not trusted (pipeline/labelling/wordReward.ts): DPO on the labels alone. */
  used: boolean;
}

export interface LabelGenerationSettings {
  temperature: number;
  maxNewTokens: number;
  seed: number;
}

export type LabelEvent =
  | { type: 'label-candidate'; candidate: LabelCandidateEvent | null; testLeft: number }
  | {
      type: 'labels';
      labels: LabelView[];
      counts: LabelCounts;
      /** The last pooled file imported, and the word reward of the last training. */
      imported?: LabelImportSummary;
      wordReward?: WordRewardView;
    }
  | { type: 'agreement'; point: AgreementPoint }
  | { type: 'what-changed'; data: WhatChanged };
