/**
 * The backend by measurement on a hardware GPU (pure: no tfjs, no navigator). For models this
 * small a GPU's per-kernel dispatch cost can lose to threaded WASM, so on a hardware adapter the
 * worker times a training step and a sampling burst on WebGPU and on WASM at load, keeps the
 * faster, and the page remembers the verdict per adapter until the app (the worker bundle's
 * URL, hashed by the build) or the browser (its user agent) changes. Software adapters are
 * never raced: they are ruled out by name (backendChoice.ts).
 */
import type { AdapterFacts } from './backendChoice';
import type { BackendName, BackendPass } from './protocol';

/** The two backends raced. */
export type RacedBackend = 'webgpu' | 'wasm';

/** One backend's time for a nano training step and a nano sampling burst (ms, medians). */
export interface BackendTiming {
  backend: RacedBackend;
  stepMs: number;
  sampleMs: number;
}

/** What a race decided, and for which adapter, app and browser. */
export interface BackendMeasurement {
  key: string;
  timings: BackendTiming[];
  winner: RacedBackend;
}

/** The adapter, app and browser a verdict holds for. */
export function measurementKey(adapter: AdapterFacts, app: string, browser: string): string {
  return [adapter.vendor, adapter.architecture, adapter.device, adapter.description, app, browser]
    .map((s) => s.replace(/\|/g, '/'))
    .join('|');
}

/** A remembered verdict for exactly this key, else null (a new adapter, app or browser). */
export function rememberedFor(
  remembered: BackendMeasurement | null | undefined,
  key: string,
): BackendMeasurement | null {
  return remembered && remembered.key === key ? remembered : null;
}

const total = (t: BackendTiming) => t.stepMs + t.sampleMs;

/** The faster backend: least step + burst time; WebGPU on a tie or when WASM was not timed. */
export function pickFaster(timings: readonly BackendTiming[]): RacedBackend {
  const gpu = timings.find((t) => t.backend === 'webgpu');
  const wasm = timings.find((t) => t.backend === 'wasm');
  if (!gpu || !Number.isFinite(total(gpu))) return 'wasm';
  if (!wasm || !Number.isFinite(total(wasm))) return 'webgpu';
  return total(wasm) < total(gpu) ? 'wasm' : 'webgpu';
}

const LABEL: Record<RacedBackend, string> = { webgpu: 'WebGPU', wasm: 'WASM' };
const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : '—');

/** "measured at load: WebGPU 31 ms a step + 52 ms sampling; WASM 44 ms + 80 ms". */
function measuredText(m: BackendMeasurement): string {
  const parts = m.timings.map(
    (t) => `${LABEL[t.backend]} ${ms(t.stepMs)} a step + ${ms(t.sampleMs)} sampling`,
  );
  return `measured on this GPU: ${parts.join('; ')}`;
}

/** The loser's entry for the badge's passed-over list. */
export function loserPass(m: BackendMeasurement): BackendPass {
  const loser: RacedBackend = m.winner === 'webgpu' ? 'wasm' : 'webgpu';
  return { backend: loser, reason: `slower here than ${LABEL[m.winner]} (${measuredText(m)})` };
}

/**
 * Races the two backends: starts each, times it, and returns the verdict. A backend that does
 * not start, or whose timing throws, gets Infinity and loses. `start` and `time` are the
 * worker's (tfjs) or a test's fakes.
 */
export async function raceBackends(
  key: string,
  start: (b: RacedBackend) => Promise<boolean>,
  time: (b: RacedBackend) => Promise<{ stepMs: number; sampleMs: number }>,
): Promise<BackendMeasurement> {
  const timings: BackendTiming[] = [];
  for (const backend of ['webgpu', 'wasm'] as const) {
    let t = { stepMs: Number.POSITIVE_INFINITY, sampleMs: Number.POSITIVE_INFINITY };
    try {
      if (await start(backend)) t = await time(backend);
    } catch {
      // Counted as infinitely slow: the other backend wins.
    }
    timings.push({ backend, ...t });
  }
  return { key, timings, winner: pickFaster(timings) };
}

/** The automatic order with the race's winner first. */
export function orderAfterRace(
  order: readonly BackendName[],
  m: BackendMeasurement,
): BackendName[] {
  return [m.winner, ...order.filter((b) => b !== m.winner)];
}
