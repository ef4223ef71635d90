import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MetricPoint } from '../pipeline/views';
import { controllerSession, SMALL_RUN } from '../test/controllerSession';
import { freshIndexedDB } from '../test/storageFixtures';
import type { RunRecorder } from './persistence';
import type { FaultReport } from './protocol';
import { formatLr } from './recovery';

/** The controller session, with its faults and a checkpoint at step 3 (a pause saves one). */
async function session() {
  const s = await controllerSession();
  const faults = () => s.all('fault').map((e): FaultReport => e.fault);
  return { ...s, faults, checkpointAt3: () => s.pauseAfter(3) };
}

/** The run's settings with learning rate `lr` (a live setting). */
const withLr = (lr: number) => ({ ...SMALL_RUN, optim: { ...SMALL_RUN.optim, lr } });

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
    s.c.session.update(withLr(1e10)); // absurd: the controls refuse it
    s.c.session.start();
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
    s.c.session.update(withLr(5e-4));
    s.c.session.start();
    await s.until('two more steps', () => (s.lossSteps().at(-1) ?? 0) >= saved + 2);
    s.c.session.pause();
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
    s.c.session.start();
    await s.until('a step past it', () => s.lossSteps().includes(saved + 1));
    const tensors = tf.memory().numTensors;
    await s.c.recovery.onDeviceLost('destroyed');
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
    s.c.session.pause();
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
