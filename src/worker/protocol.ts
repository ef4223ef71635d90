/**
 * The typed, versioned protocol between the UI and the worker that owns tfjs: one union of
 * requests, one of events, discriminated by `type` both ways. Bulk data travels as
 * transferable typed arrays.
 */
import type { PresetName } from '../model/config';

export const PROTOCOL_VERSION = 1;

export type BackendName = 'webgpu' | 'webgl' | 'cpu';

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export type WorkerRequest =
  | { type: 'init'; version: number; preferBackends?: BackendName[] }
  | { type: 'smoke-forward'; preset: PresetName; batch: number; seqLen: number; seed: number };

export interface SmokeResult {
  preset: PresetName;
  parameters: number;
  logitsShape: number[];
  /** Σ logits: a cheap fingerprint that differs when the math does. */
  checksum: number;
  finite: boolean;
  ms: number;
}

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
  | { type: 'error'; message: string; requestType: WorkerRequest['type'] | 'unknown' };

export type EventOf<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;
