/**
 * A RunController on the current tfjs backend with an in-memory IndexedDB, the nano SFT model
 * imported, a 12-pair preference file and a fake backend control; every event it posts (with
 * its transfer list) is kept.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_DPO_SETTINGS, type DpoRunSettings } from '../pipeline/dpoRun';
import type { MetricPoint } from '../pipeline/views';
import { RunRecorder } from '../worker/persistence';
import type { EventOf, WorkerEvent } from '../worker/protocol';
import type { BackendControl } from '../worker/recovery';
import { RunController } from '../worker/runController';

const SFT = resolve(__dirname, '../../public/checkpoints/sft-nano.json');
const PAIRS = Array.from({ length: 12 }, (_, i) =>
  JSON.stringify({
    prompt: `Tell me about film ${i}.`,
    chosen: ' It is a warm and moving film.',
    rejected: ' It is dull.',
  }),
).join('\n');

/** Small and quick: one logged point per step, no evaluation after step 0's. */
export const SMALL_RUN: DpoRunSettings = {
  ...DEFAULT_DPO_SETTINGS,
  steps: 200,
  batchSize: 2,
  logEvery: 1,
  optim: { ...DEFAULT_DPO_SETTINGS.optim, warmupSteps: 0 },
  eval: { ...DEFAULT_DPO_SETTINGS.eval, every: 1000, prompts: 1, maxNewTokens: 2, temperature: 1 },
};

const CPU_BACKEND: BackendControl = {
  reinitialise: async () => ({
    backend: 'cpu',
    adapter: null,
    requested: 'auto',
    threads: null,
    crossOriginIsolated: false,
    passedOver: [],
    fallbackReason: null,
    measurement: null,
  }),
  watch: () => {},
};

/** Call after freshIndexedDB(); the run is prepared (recorded) with `settings`. */
export async function controllerSession(settings: DpoRunSettings = SMALL_RUN) {
  const events: WorkerEvent[] = [];
  const transfers = new Map<WorkerEvent, Transferable[]>();
  const recorder = await RunRecorder.open((m) => events.push({ type: 'warning', message: m }));
  if (!recorder) throw new Error('no IndexedDB');
  const c = new RunController(
    (e, transfer) => {
      events.push(e);
      if (transfer?.length) transfers.set(e, transfer);
    },
    recorder,
    CPU_BACKEND,
  );
  await c.importModel([{ name: 'sft-nano.json', bytes: readFileSync(SFT) }]);
  c.workspace.importData('films.jsonl', new TextEncoder().encode(PAIRS));
  await c.session.prepare(settings);
  const runId = c.session.currentRunId;
  if (!runId) throw new Error('the run was not recorded');
  const until = async (what: string, ok: () => boolean) => {
    const t0 = Date.now();
    while (!ok()) {
      if (Date.now() - t0 > 60_000) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const all = <T extends WorkerEvent['type']>(type: T) =>
    events.filter((e): e is EventOf<T> => e.type === type);
  const lossSteps = () =>
    all('metrics')
      .flatMap((e): MetricPoint[] => e.points)
      .filter((p) => typeof p.loss === 'number')
      .map((p) => p.step);
  const state = () => all('run-state').at(-1);
  /** Trains to step `n` and pauses there, which saves a checkpoint; the paused step. */
  const pauseAfter = async (n: number) => {
    c.session.start();
    await until(`step ${n}`, () => lossSteps().includes(n));
    c.session.pause();
    await until('paused', () => state()?.state === 'paused');
    return state()?.step ?? -1;
  };
  return { c, events, transfers, recorder, runId, until, all, lossSteps, state, pauseAfter };
}
