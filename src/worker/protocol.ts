/**
 * The typed, versioned protocol between the UI and the worker that owns tfjs: one union of
 * requests, one of events, discriminated by `type` both ways. Bulk data travels as
 * transferable typed arrays.
 */

import type { PresetName } from '../model/config';
import type { ClosedFormResult } from '../pipeline/closedForm/problem';
import type { DpoRunSettings } from '../pipeline/dpoRun';
import type { ExperimentOptions } from '../pipeline/experiments/experiments';
import type { FrontierPoint, RunSummary } from '../pipeline/frontier/points';
import type { SweepStage } from '../pipeline/frontier/sweep';
import type { FrontierAlgorithm, SweepInput } from '../pipeline/frontier/sweepConfig';
import type { SftSettings } from '../pipeline/settings';
import type { InspectorPair, MetricPoint, PairPreview, SampleView } from '../pipeline/views';
import { BACKEND_NAMES, type BackendChoice, type BackendName } from '../share/backendNames';
import type { ProbeTiming } from '../share/models';
import type { BackendMeasurement } from './backendRace';
import type { LabelEvent, LabelRequest } from './labelProtocol';
import type { RunState } from './runState';

export const PROTOCOL_VERSION = 1;

// The backend names live in share/ (the page's config parses `?backend=` below the worker).
export { BACKEND_NAMES, type BackendChoice, type BackendName };

/** A backend that was not used, and why (ruled out, failed to start, or ranked lower). */
export interface BackendPass {
  backend: BackendName;
  reason: string;
}

/** Which backend the worker runs on, and how it came to be chosen. */
export interface BackendReport {
  backend: BackendName;
  /** The WebGPU adapter the browser offered (also when WebGPU was passed over). */
  adapter: AdapterInfo | null;
  requested: BackendChoice;
  /** WASM: the threads XNNPACK computes on (1 without cross-origin isolation); else null. */
  threads: number | null;
  crossOriginIsolated: boolean;
  /** Every other backend with the reason it was not used. */
  passedOver: BackendPass[];
  /** What went wrong on the way (a backend failed to start); null when the plan held. */
  fallbackReason: string | null;
  /** On a hardware GPU: the WebGPU-against-WASM race that chose (run now or remembered). */
  measurement: BackendMeasurement | null;
}

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export type WorkerRequest =
  | {
      type: 'init';
      version: number;
      backend?: BackendChoice;
      /** The page's remembered race verdict; used when it is for this adapter, app and browser. */
      remembered?: BackendMeasurement | null;
    }
  | { type: 'smoke-forward'; preset: PresetName; batch: number; seqLen: number; seed: number }
  /** Times a training step of each shipped model size (share/models.ts) for the default. */
  | { type: 'probe-models'; demoSteps: number }
  /** Loads the SFT checkpoint (a same-origin URL) that π_θ and π_ref start from. */
  | { type: 'load-checkpoint'; url: string }
  /** Trains a new SFT model (tokenizer + GPT) on the built-in corpus; it becomes π_ref. */
  | { type: 'sft'; settings: SftSettings }
  /** Ends SFT early; the model trained so far becomes π_ref. */
  | { type: 'sft-stop' }
  /** Samples and labels preference pairs, caches π_ref: the run is then ready to train. */
  /** `options`: what a guided experiment sets beyond the schema (a frozen policy). */
  | { type: 'prepare'; settings: DpoRunSettings; options?: ExperimentOptions }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'step' }
  /** Drops the run; π_θ restarts from the checkpoint at the next prepare. */
  | { type: 'reset' }
  /** The settings as edited: their live ones (β, the learning rate) apply from the next step. */
  | { type: 'update'; settings: DpoRunSettings }
  /** A preference file (JSONL, JSON, CSV): the next runs train on it instead of sampled pairs. */
  | { type: 'import-preferences'; name: string; bytes: ArrayBuffer }
  /** Back to pairs sampled from π_ref and labelled by the sentiment reward. */
  | { type: 'use-builtin-data' }
  /** A text corpus for the next SFT (.txt, .jsonl/.json with `text`); null: the built-in one. */
  | { type: 'import-corpus'; name: string; bytes: ArrayBuffer }
  /** A checkpoint JSON of this app, or a Hugging Face GPT-2 folder's files: the new SFT model. */
  | { type: 'import-model'; files: { name: string; bytes: ArrayBuffer }[] }
  | { type: 'export'; what: ExportKind }
  | { type: 'runs-list' }
  /** Stored metric points of saved runs, to overlay on the charts. */
  | { type: 'run-metrics'; ids: string[] }
  | { type: 'run-rename'; id: string; name: string }
  | { type: 'run-delete'; id: string }
  | { type: 'run-prune'; id: string }
  /** Loads a saved run (its π_ref, pairs, history and last checkpoint), paused. */
  | { type: 'run-resume'; id: string }
  /** Σ log p(text) under π_θ (or the SFT model): a fixed-text check for imports and exports. */
  | { type: 'logprob'; text: string; model: 'policy' | 'sft' }
  /** Runs a frontier sweep (one run after another) from the current SFT model. */
  | { type: 'sweep-start'; sweep: SweepInput }
  | { type: 'sweep-stop' }
  /**
   * The sweep as a TRL + Accelerate job folder from the current SFT model (trlJobExport.ts):
   * answered by an 'export-file' event, a .zip, its bytes transferred.
   */
  | { type: 'export-trl-job'; sweep: SweepInput }
  /**
   * The closed-form optimum (DPO paper Eq. 4) on a toy problem: π* summed exactly beside DPO
   * trained to convergence on the population loss and on sampled pairs (no model needed).
   * Answered by a 'closed-form-result'.
   */
  | { type: 'closed-form'; beta: number; seed: number; pairsPerPrompt: number }
  /** Heartbeat: answered at once with a pong of the same id, also mid-run. */
  | { type: 'ping'; id: number }
  /** Test hook: destroys the WebGPU device (as a driver reset would). */
  | { type: 'lose-device' }
  /**
   * Test hook: a learning rate the controls refuse (lr ≤ 1), e.g. 1e10, so that the next
   * update overflows float32 and NaN recovery can be exercised.
   */
  | { type: 'force-lr'; lr: number }
  /** Test hook: the worker closes itself and goes silent, as if the browser had killed it. */
  | { type: 'crash' }
  /** The labelling mode (labelProtocol.ts). */
  | LabelRequest;

/** The faults a run survives (the UI shows one banner per fault). */
type FaultKind = 'non-finite' | 'device-lost' | 'worker-stopped';

export interface FaultReport {
  kind: FaultKind;
  /** The step training had reached when the fault was found. */
  step: number;
  /** The checkpoint step the run went back to; null when nothing was restored. */
  restoredStep: number | null;
  /** For the banner: what happened, at which step, what was restored, what to do. */
  message: string;
}

/** dataset-trl: the pairs' texts (built-in pairs: their sampled ids, end-of-text kept);
 * dataset-trl-trained: the text of exactly the ids trained on (after fitting the context). */
export type ExportKind = 'checkpoint' | 'hf-gpt2' | 'dataset-trl' | 'dataset-trl-trained';

export interface DatasetSummary {
  name: string;
  format: string;
  layout: string;
  /** Pairs trained on, after skips and held-out prompts. */
  pairs: number;
  /** Pairs whose prompts are held out for evaluation. */
  heldOut: number;
  skippedCount: number;
  /** The first skipped rows, each "line 7: reason". */
  skipped: string[];
  warnings: string[];
  truncation: {
    total: number;
    fit: number;
    promptTruncated: number;
    completionTruncated: number;
    dropped: number;
  };
  blockSize: number;
  /** How pairs were tokenised: as TRL 1.13 ('trl', the default) or the built-in task's way. */
  convention?: 'trl' | 'eot-prompt';
}

export interface RunListItem {
  id: string;
  name: string;
  kind: 'dpo' | 'model';
  status: 'running' | 'paused' | 'done' | 'failed' | 'interrupted';
  step: number;
  totalSteps: number;
  createdAt: number;
  updatedAt: number;
  preset: string;
  lossType: string | null;
  beta: number | null;
  dataName: string | null;
  summary: Record<string, number>;
  bytes: number;
  lastCheckpointStep: number | null;
}

/** A saved run's settings and metric history (the overlay of runs side by side). */
export interface RunMetrics {
  id: string;
  name: string;
  settings: DpoRunSettings;
  /** A guided experiment's options the settings cannot hold (a frozen policy ran at lr 0). */
  options?: ExperimentOptions;
  points: MetricPoint[];
}

export interface StorageSummary {
  totalBytes: number;
  datasetBytes: number;
  quota: number | null;
  usage: number | null;
}

export interface CheckpointSummary {
  /** Where it came from: a URL, or 'browser-sft' for a model trained on this page. */
  url: string;
  preset: string;
  parameters: number;
  vocabSize: number;
  blockSize: number;
  meta: Record<string, string | number>;
}

export interface SmokeResult {
  preset: PresetName;
  parameters: number;
  logitsShape: number[];
  /** Σ logits: a cheap fingerprint that differs when the math does. */
  checksum: number;
  finite: boolean;
  ms: number;
}

/** What the panels need to know of the run being shown, from the run itself. */
export interface RunFacts {
  lossType: DpoRunSettings['loss']['type'];
  /** β now (it may change mid-run). */
  beta: number;
}

export type ProgressStage =
  | 'sampling'
  | 'reference'
  | 'reward-model'
  | 'evaluating'
  | 'tokenizer'
  | 'training';

export type WorkerEvent =
  | ({ type: 'ready'; version: number } & BackendReport)
  | ({ type: 'smoke-result' } & SmokeResult)
  | { type: 'probe-result'; timings: ProbeTiming[]; backend: string }
  | ({ type: 'checkpoint' } & CheckpointSummary)
  | {
      type: 'progress';
      stage: ProgressStage;
      done: number;
      total: number;
    }
  | { type: 'pairs'; preview: PairPreview[]; total: number }
  /** New points since the last batch (a few batches a second, never the whole history). */
  | { type: 'metrics'; points: MetricPoint[] }
  | { type: 'samples'; samples: SampleView[] }
  | { type: 'inspector'; pairs: InspectorPair[] }
  | {
      type: 'run-state';
      state: RunState;
      step: number;
      steps: number;
      runId: string | null;
      /** The current run's own settings (a resumed run's, not the page's); null: no run. */
      facts: RunFacts | null;
    }
  /** The imported preference data in use, or null for the built-in sampled pairs. */
  | { type: 'dataset'; summary: DatasetSummary | null }
  | { type: 'corpus'; name: string | null; note: string }
  | { type: 'runs'; runs: RunListItem[]; storage: StorageSummary }
  | { type: 'run-metrics'; runs: RunMetrics[] }
  /** A resumed run's history, replacing what the UI shows. */
  | { type: 'history'; points: MetricPoint[]; samples: SampleView[] }
  | { type: 'export-file'; name: string; mime: string; bytes: ArrayBuffer }
  | {
      type: 'logprob-result';
      text: string;
      model: 'policy' | 'sft';
      logprob: number;
      tokens: number;
    }
  | { type: 'sweep-state'; state: 'running' | 'done' | 'stopped' | 'failed'; name: string }
  | {
      type: 'sweep-progress';
      stage: SweepStage;
      done: number;
      total: number;
      runId: string | null;
    }
  /** Replicate seed `index` of `count` begins (its pairs are sampled before its first run). */
  | { type: 'sweep-seed'; seed: number; index: number; count: number }
  /** Run `index` of the `count` runs of the current seed begins. */
  | {
      type: 'sweep-run-start';
      runId: string;
      label: string;
      algorithm: FrontierAlgorithm;
      index: number;
      count: number;
    }
  | { type: 'frontier-point'; point: FrontierPoint }
  | { type: 'sweep-run-end'; summary: RunSummary }
  | { type: 'pong'; id: number }
  /** A fault the worker recovered from (or could not): the banner's text. */
  | { type: 'fault'; fault: FaultReport }
  /** The run went back to its checkpoint at `step`: points logged after it are void. */
  | { type: 'rewind'; step: number }
  /** The backend changed after a lost GPU device. */
  | ({ type: 'backend' } & BackendReport)
  /** A checkpoint of the current run was written (the step a restart resumes from). */
  | { type: 'saved'; runId: string; step: number }
  /** Something the user should know that did not stop the run (e.g. storage full). */
  | { type: 'warning'; message: string }
  | { type: 'error'; message: string; requestType: WorkerRequest['type'] | 'unknown' }
  /** The answer to a 'closed-form' request: plain arrays. */
  | { type: 'closed-form-result'; result: ClosedFormResult }
  | LabelEvent;

export type EventOf<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;

/** How the worker's parts send events; bulk buffers in `transfer` move instead of being copied. */
export type PostEvent = (e: WorkerEvent, transfer?: Transferable[]) => void;
