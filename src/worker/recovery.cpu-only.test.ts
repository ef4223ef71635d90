import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DPO_SETTINGS } from '../pipeline/dpoRun';
import { freshIndexedDB } from '../storage/fixtures';
import { RunRecorder } from './persistence';
import type { FaultReport, WorkerEvent } from './protocol';
import { type BackendControl, formatLr } from './recovery';
import { RunController } from './runController';
import type { MetricPoint } from './views';

const SFT = resolve(__dirname, '../../public/checkpoints/sft-nano.json');
const PAIRS = Array.from({ length: 12 }, (_, i) =>
  JSON.stringify({
    prompt: `Tell me about film ${i}.`,
    chosen: ' It is a warm and moving film.',
    rejected: ' It is dull.',
  }),
).join('\n');
const SETTINGS = {
  ...DEFAULT_DPO_SETTINGS,
  steps: 200,
  batchSize: 2,
  logEvery: 1,
  optim: { ...DEFAULT_DPO_SETTINGS.optim, warmupSteps: 0 },
  eval: { every: 1000, prompts: 1, maxNewTokens: 2, temperature: 1 },
};

/** A controller on the CPU backend with an in-memory IndexedDB; a fake backend control. */
async function session() {
  const events: WorkerEvent[] = [];
  const recorder = await RunRecorder.open((m) => events.push({ type: 'warning', message: m }));
  const backend: BackendControl = {
    reinitialise: async () => ({
      backend: 'cpu',
      adapter: null,
      requested: 'auto',
      threads: null,
      crossOriginIsolated: false,
      passedOver: [],
      fallbackReason: null,
    }),
    watch: () => {},
  };
  const c = new RunController((e) => events.push(e), recorder, backend);
  await c.importModel([{ name: 'sft-nano.json', bytes: readFileSync(SFT) }]);
  c.importData('films.jsonl', new TextEncoder().encode(PAIRS));
  await c.prepare(SETTINGS);
  const runId = events.findLast((e) => e.type === 'run-state')?.runId ?? null;
  if (!recorder || !runId) throw new Error('the run was not recorded');
  const until = async (what: string, ok: () => boolean) => {
    const t0 = Date.now();
    while (!ok()) {
      if (Date.now() - t0 > 60_000) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const lossSteps = () =>
    events
      .flatMap((e) => (e.type === 'metrics' ? e.points : []))
      .filter((p) => typeof p.loss === 'number')
      .map((p) => p.step);
  const faults = () => events.flatMap((e): FaultReport[] => (e.type === 'fault' ? [e.fault] : []));
  const state = () => events.findLast((e) => e.type === 'run-state');
  /** Trains to step 3 and pauses there, which saves a checkpoint. */
  const checkpointAt3 = async () => {
    c.start();
    await until('step 3', () => lossSteps().includes(3));
    c.pause();
    await until('the checkpoint', () => events.some((e) => e.type === 'saved' && e.step >= 3));
    await until('paused', () => state()?.state === 'paused');
    return state()?.step ?? -1;
  };
  return { c, events, recorder, runId, until, lossSteps, faults, state, checkpointAt3 };
}

/** Stored loss points of the run, in step order. */
async function storedLossSteps(recorder: RunRecorder, runId: string): Promise<MetricPoint[]> {
  const b = await recorder.loadForResume(runId);
  return b.points.filter((p) => typeof p.loss === 'number');
}

beforeEach(() => freshIndexedDB());

describe('RunController faults', () => {
  it('a NaN from an absurd lr pauses at the last good checkpoint, restores it, and resumes', async () => {
    const s = await session();
    const saved = await s.checkpointAt3();
    s.c.update({ lr: 1e10 });
    s.c.start();
    await s.until('the fault', () => s.faults().length > 0);
    await s.until('paused', () => s.state()?.state === 'paused');
    const fault = s.faults()[0];
    expect(fault?.kind).toBe('non-finite');
    expect(fault?.restoredStep).toBe(saved);
    expect(fault?.step).toBeGreaterThan(saved);
    // CPU overflows to NaN, WebGPU to +∞: either is the same fault.
    expect(fault?.message).toMatch(
      new RegExp(`^Training stopped at step ${fault?.step}: loss became (NaN|[+−]∞)\\.`),
    );
    expect(fault?.message).toContain('Lower the learning rate (it was 1e10)');
    expect(s.state()?.step).toBe(saved);
    expect(s.events.some((e) => e.type === 'rewind' && e.step === saved)).toBe(true);

    // π_θ now is the stored checkpoint, finite, and storage forgot what came after it.
    const stored = await s.recorder.loadForResume(s.runId);
    expect(stored.snapshot?.step).toBe(saved);
    await s.c.exportFile('checkpoint');
    const file = s.events.findLast((e) => e.type === 'export-file');
    if (file?.type !== 'export-file') throw new Error('no export');
    const exported = JSON.parse(new TextDecoder().decode(file.bytes));
    for (const [name, p] of Object.entries(stored.snapshot?.params ?? {})) {
      const bytes = Uint8Array.from(atob(exported.params[name].data), (ch) => ch.charCodeAt(0));
      const now = new Float32Array(bytes.buffer);
      expect(now.every(Number.isFinite), name).toBe(true);
      expect(Array.from(now), name).toEqual(Array.from(p.data));
    }
    expect((await storedLossSteps(s.recorder, s.runId)).at(-1)?.step).toBe(saved);

    // A sane lr: training continues after the checkpoint, finite, no step stored twice.
    s.c.update({ lr: 5e-4 });
    s.c.start();
    await s.until('two more steps', () => (s.lossSteps().at(-1) ?? 0) >= saved + 2);
    s.c.pause();
    await s.until('paused', () => s.state()?.state === 'paused');
    const points = await storedLossSteps(s.recorder, s.runId);
    const steps = points.map((p) => p.step);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
    expect(points.every((p) => Number.isFinite(p.loss))).toBe(true);
    s.c.reset();
  });

  it('a lost device rebuilds π_ref and π_θ from CPU copies and trains on from the checkpoint', async () => {
    const s = await session();
    const saved = await s.checkpointAt3();
    s.c.start();
    await s.until('a step past it', () => s.lossSteps().includes(saved + 1));
    const tensors = tf.memory().numTensors;
    await s.c.onDeviceLost('destroyed');
    const fault = s.faults()[0];
    expect(fault?.kind).toBe('device-lost');
    expect(fault?.restoredStep).toBe(saved);
    expect(fault?.message).toBe(
      `The GPU device was lost at step ${fault?.step} (destroyed); resumed on cpu from step ${saved}, the last checkpoint.`,
    );
    expect(fault?.step).toBeGreaterThan(saved);
    expect(s.events.some((e) => e.type === 'backend' && e.backend === 'cpu')).toBe(true);
    const after = (fault?.step ?? 0) + 2;
    await s.until('two steps past the loss', () => (s.lossSteps().at(-1) ?? 0) >= after);
    s.c.pause();
    await s.until('paused', () => s.state()?.state === 'paused');
    // The rebuilt models replace the old ones: no tensor left behind.
    expect(Math.abs(tf.memory().numTensors - tensors)).toBeLessThan(40);
    const points = await storedLossSteps(s.recorder, s.runId);
    const steps = points.map((p) => p.step);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
    expect(points.every((p) => Number.isFinite(p.loss))).toBe(true);
    s.c.reset();
  });
});

describe('formatLr', () => {
  it('writes absurd and small rates as short exponents', () => {
    expect(formatLr(1e10)).toBe('1e10');
    expect(formatLr(1e6)).toBe('1e6');
    expect(formatLr(5e-4)).toBe('5e-4');
    expect(formatLr(2.5e-5)).toBe('2.5e-5');
    expect(formatLr(0.01)).toBe('0.01');
  });
});
