/** A small read-only automation API on window, for e2e tests, scripts and notebooks. */

import type { FrontierPoint } from '../pipeline/frontier/points';
import type { MetricPoint, SampleView } from '../pipeline/views';
import type {
  AdapterInfo,
  BackendName,
  BackendReport,
  DatasetSummary,
  FaultReport,
  RunListItem,
  SmokeResult,
} from '../worker/protocol';
import type { RunState } from '../worker/runState';
import type { SweepRunView } from './store';

/** 'loading' until the worker reports a backend, then the run's state. */
type Phase = 'loading' | 'idle' | 'error' | RunState;

export interface PlaygroundStatus {
  phase: Phase;
  step: number;
  backend: BackendName | null;
  adapter: AdapterInfo | null;
  fallbackReason: string | null;
  /** How the backend was chosen (requested, WASM threads, the others and why not); null first. */
  engine: BackendReport | null;
  /** The saved run (IndexedDB id) the current run is recorded as. */
  runId: string | null;
}

export interface DpoPlaygroundApi {
  status(): PlaygroundStatus;
  /** Every logged point: TRL-named keys, plus eval/reward, eval/ref_reward, eval/kl. */
  metrics(): MetricPoint[];
  /** The loss curve of the last SFT trained on the page (phase 'sft'). */
  sftMetrics(): MetricPoint[];
  /** The SFT model π_ref is (or will be) cloned from: its origin and size. */
  checkpoint(): { url: string; preset: string; parameters: number; vocabSize: number } | null;
  /** The latest evaluated samples, with token ids and per-token log π_θ and log π_ref. */
  samples(): SampleView[];
  /** The imported preference data in use, or null for the built-in task. */
  dataset(): DatasetSummary | null;
  /** The runs kept in this browser. */
  runs(): RunListItem[];
  /** Warnings shown to the user (storage full, import notes). */
  warnings(): string[];
  /** The frontier sweep: its state, points (KL, reward per evaluation) and runs. */
  frontier(): { state: string; points: FrontierPoint[]; runs: SweepRunView[] };
  /** Σ log p(text) after an end-of-text under π_θ (the current run) or the SFT model. */
  logprob(text: string, model: 'policy' | 'sft'): Promise<number>;
  /** Runs one forward pass of a nano model in the worker. */
  smokeForward(): Promise<SmokeResult>;
  /** The fault banner's report (NaN, lost GPU device, stopped worker), or null. */
  fault(): FaultReport | null;
  /** Test hook: the worker destroys its GPUDevice, as a driver reset would. */
  loseDevice(): void;
  /** Test hook: a learning rate the controls refuse (1e10: the next update overflows). */
  forceLearningRate(lr: number): void;
  /**
   * Test hook: the worker closes itself without a word, as if killed; the UI must notice
   * through its heartbeat.
   */
  killWorker(): void;
  /** What the banner's restart button does: a new worker resumes the saved run. */
  restartWorker(): void;
}

declare global {
  interface Window {
    dpoPlayground?: DpoPlaygroundApi;
  }
}

export function installAutomation(api: DpoPlaygroundApi): () => void {
  window.dpoPlayground = Object.freeze({ ...api });
  return () => {
    delete window.dpoPlayground;
  };
}
