/** Test fixtures for the run store: a fresh in-memory IndexedDB, a clock, checkpoints. */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { DEFAULT_CONFIG } from '../model/config';
import type { NewRun, StoredCheckpoint } from '../storage/records';

/** Replaces the global IndexedDB with an empty one, so each test starts from nothing. */
export function freshIndexedDB(): void {
  globalThis.indexedDB = new IDBFactory();
}

/** A clock that advances 1000 ms per reading, from 1_700_000_000_000. */
export function steppingClock(): () => number {
  let t = 1_700_000_000_000;
  return () => {
    t += 1000;
    return t;
  };
}

export function newRun(name: string, extra: Partial<NewRun> = {}): NewRun {
  return { name, settings: { steps: 60 }, model: { preset: 'nano' }, totalSteps: 60, ...extra };
}

/**
 * A small checkpoint whose floats include the values a lossy path would change: −0, NaN with
 * a payload, ±∞, a subnormal, and `step` so checkpoints of different steps differ.
 */
export function checkpointFixture(step: number): StoredCheckpoint {
  const special = new Float32Array(6);
  special.set([-0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-45, step + 0.1]);
  new Uint32Array(special.buffer)[5] = 0x7fc00abc; // NaN with payload 0xabc
  const wte = Float32Array.from({ length: 12 }, (_, i) => Math.fround(Math.sin(step + i)));
  return {
    params: {
      'transformer.wte.weight': { shape: [4, 3], data: wte },
      special: { shape: [6], data: special },
    },
    optimizer: [
      { name: 'iter', shape: [], data: Float32Array.of(step) },
      { name: 'transformer.wte.weight/m', shape: [4, 3], data: wte.map((x) => x / 10) },
    ],
    config: DEFAULT_CONFIG,
    meta: { step },
  };
}

/** The tensor's bits, so NaN payloads and −0 compare exactly. */
export function bits(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}
