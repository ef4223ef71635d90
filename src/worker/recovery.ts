/**
 * What the worker needs to survive faults: CPU-side copies of weights (a lost GPU device takes
 * every tensor with it), the backend hooks recovery calls, and the banner texts, which name
 * the fault, the step, what was restored and what to do.
 */
import type { GPT } from '../model/gpt';
import { type CpuParams, gptFromParams, readParams as readWeights } from '../model/weights';
import {
  DpoRun,
  type DpoRunCallbacks,
  type NonFiniteError,
  type RunSnapshot,
} from '../pipeline/dpoRun';
import type { RunRecorder } from './persistence';
import type { BackendName, BackendReport } from './protocol';
import { loadReference, type SftModel } from './sftModel';

export type { CpuParams } from '../model/weights';

/** Reads a model's weights back (a GPU read). */
export function readParams(model: GPT): Promise<CpuParams> {
  return readWeights(model.params);
}

/** The backend operations recovery needs; the worker passes browserBackend.ts, tests a fake. */
export interface BackendControl {
  /** A new backend after a lost device: WebGPU on a fresh device, else chosen as at start. */
  reinitialise(): Promise<BackendReport>;
  /** Calls onLost once if the current device is lost. */
  watch(onLost: (reason: string) => void): void;
}

/**
 * After a lost device: frees what was on it, starts a backend, and rebuilds the SFT model
 * (from its CPU copy, else from where it came from) and the run at its last good snapshot,
 * reusing π_ref's cached log-probs. Throws if no backend starts.
 */
export async function rebuildOnNewBackend(o: {
  backend: BackendControl;
  recorder: RunRecorder | null;
  sft: { model: SftModel; params: CpuParams | null } | null;
  run: { run: DpoRun; good: RunSnapshot; callbacks: DpoRunCallbacks } | null;
}): Promise<{
  backend: BackendReport;
  sft: { model: SftModel; params: CpuParams } | null;
  run: DpoRun | null;
}> {
  // Freeing a lost device's buffers may throw; they are gone either way.
  for (const free of [() => o.run?.run.dispose(), () => o.sft?.model.model.dispose()]) {
    try {
      free();
    } catch {}
  }
  const selected = await o.backend.reinitialise();
  if (!o.sft) return { backend: selected, sft: null, run: null };
  const old = o.sft.model;
  let model: GPT | null = null;
  if (o.sft.params) model = gptFromParams(old.model.config, o.sft.params, false);
  else if (old.source) model = (await loadReference(old.source, o.recorder)).model;
  if (!model) return { backend: selected, sft: null, run: null };
  const sft = { model: { ...old, model }, params: o.sft.params ?? (await readParams(model)) };
  if (!o.run) return { backend: selected, sft, run: null };
  const { run, good, callbacks } = o.run;
  const rebuilt = await DpoRun.prepare(model, run.task, run.config, callbacks, {
    data: run.data,
    resume: good,
    cache: run.referenceCache(),
  });
  return { backend: selected, sft, run: rebuilt };
}

/** Resolves true as soon as `flag()` holds, false after `ms`. */
export async function waitFor(flag: () => boolean, ms: number, every = 50): Promise<boolean> {
  const until = performance.now() + ms;
  while (!flag()) {
    if (performance.now() > until) return false;
    await new Promise((r) => setTimeout(r, every));
  }
  return true;
}

/** 1e10 → "1e10", 0.0005 → "5e-4", 0.01 → "0.01". */
export function formatLr(lr: number): string {
  if (lr !== 0 && (Math.abs(lr) >= 1e4 || Math.abs(lr) < 1e-3)) {
    return lr
      .toExponential()
      .replace('e+', 'e')
      .replace(/\.?0+e/, 'e');
  }
  return String(lr);
}

const VALUE_NAME = (v: number) => (Number.isNaN(v) ? 'NaN' : v > 0 ? '+∞' : '−∞');

export function nonFiniteMessage(e: NonFiniteError, restoredStep: number, lr: number): string {
  const undone =
    e.step - restoredStep > 1 ? `steps ${restoredStep + 1}–${e.step}` : `step ${e.step}`;
  return (
    `Training stopped at step ${e.step}: ${e.quantity} became ${VALUE_NAME(e.value)}. ` +
    `π_θ and Adam's state were restored from the last good checkpoint (step ${restoredStep}); ` +
    `${undone} and their metrics were dropped. Lower the learning rate (it was ${formatLr(lr)}) ` +
    'and press Train to continue.'
  );
}

export function deviceLostMessage(o: {
  lostAt: number;
  reason: string;
  backend: BackendName;
  restoredStep: number | null;
  resumed: boolean;
}): string {
  const head = `The GPU device was lost at step ${o.lostAt} (${o.reason})`;
  if (o.restoredStep === null) {
    return `${head}; the model was reloaded on ${o.backend}. Nothing was training: start again when ready.`;
  }
  return o.resumed
    ? `${head}; resumed on ${o.backend} from step ${o.restoredStep}, the last checkpoint.`
    : `${head}; restored on ${o.backend} at step ${o.restoredStep}, the last checkpoint. Press Train to continue.`;
}
