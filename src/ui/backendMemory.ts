/**
 * The page remembers the worker's WebGPU-against-WASM race (worker/backendRace.ts) in
 * localStorage, so a hardware GPU is timed once per adapter, app build and browser version.
 * Storage that is unavailable or full only means the race runs again next time.
 */
import { z } from 'zod';
import type { BackendMeasurement } from '../worker/backendRace';

const KEY = 'dpo-playground:backend-race';

const raced = z.enum(['webgpu', 'wasm']);
const schema = z.object({
  key: z.string(),
  winner: raced,
  timings: z.array(z.object({ backend: raced, stepMs: z.number(), sampleMs: z.number() })),
});

/** The remembered verdict, or null (none, unreadable, or storage unavailable). */
export function loadBackendRace(
  storage: Storage | undefined = globalThis.localStorage,
): BackendMeasurement | null {
  try {
    const text = storage?.getItem(KEY);
    if (!text) return null;
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** Keeps a verdict (the worker's report after a race); failures are ignored. */
export function saveBackendRace(
  m: BackendMeasurement | null,
  storage: Storage | undefined = globalThis.localStorage,
): void {
  if (!m) return;
  try {
    storage?.setItem(KEY, JSON.stringify(m));
  } catch {
    // Private mode or a full quota: the race runs again next time.
  }
}
