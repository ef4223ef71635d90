/**
 * The typed, versioned protocol between the UI and the worker that owns tfjs: one union of
 * requests, one of events, discriminated by `type` both ways. Bulk data travels as
 * transferable typed arrays.
 */
import type { PresetName } from '../model/config';
import type { DpoRunSettings } from '../pipeline/dpoRun';
import type { SftSettings } from '../pipeline/sftRun';
import type { InspectorPair, MetricPoint, PairPreview, SampleView } from './views';

export const PROTOCOL_VERSION = 1;

export type BackendName = 'webgpu' | 'webgl' | 'cpu';

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export type RunState =
  | 'empty'
  | 'loading-checkpoint'
  | 'preparing'
  /** Supervised fine-tuning in the browser: a new π_ref is being trained. */
  | 'sft'
  | 'ready'
  | 'training'
  | 'paused'
  | 'done';

export type WorkerRequest =
  | { type: 'init'; version: number; preferBackends?: BackendName[] }
  | { type: 'smoke-forward'; preset: PresetName; batch: number; seqLen: number; seed: number }
  /** Loads the SFT checkpoint (a same-origin URL) that π_θ and π_ref start from. */
  | { type: 'load-checkpoint'; url: string }
  /** Trains a new SFT model (tokenizer + GPT) on the built-in corpus; it becomes π_ref. */
  | { type: 'sft'; settings: SftSettings }
  /** Ends SFT early; the model trained so far becomes π_ref. */
  | { type: 'sft-stop' }
  /** Samples and labels preference pairs, caches π_ref: the run is then ready to train. */
  | { type: 'prepare'; settings: DpoRunSettings }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'step' }
  /** Drops the run; π_θ restarts from the checkpoint at the next prepare. */
  | { type: 'reset' }
  | { type: 'update'; beta?: number; lr?: number; steps?: number };

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

export type ProgressStage = 'sampling' | 'reference' | 'evaluating' | 'tokenizer' | 'training';

export type WorkerEvent =
  | {
      type: 'ready';
      version: number;
      backend: BackendName;
      adapter: AdapterInfo | null;
      /** Why a preferred backend was skipped, e.g. "WebGPU: no adapter"; null if none was. */
      fallbackReason: string | null;
    }
  | ({ type: 'smoke-result' } & SmokeResult)
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
  | { type: 'run-state'; state: RunState; step: number; steps: number }
  | { type: 'error'; message: string; requestType: WorkerRequest['type'] | 'unknown' };

export type EventOf<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;
