/// <reference lib="webworker" />
/** The worker that owns tfjs: a thin, exhaustive switch over typed requests. */
import { destroyDevice, reinitialiseBackend, selectBackend, watchDeviceLoss } from './backend';
import { probeShippedModels } from './modelProbe';
import { RunRecorder } from './persistence';
import {
  type BackendChoice,
  PROTOCOL_VERSION,
  type WorkerEvent,
  type WorkerRequest,
} from './protocol';
import type { BackendControl } from './recovery';
import { RunController } from './runController';
import { smokeForward } from './smoke';
import { SweepController } from './sweepController';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(e: WorkerEvent, transfer: Transferable[] = []): void {
  scope.postMessage(e, transfer);
}

const warn = (message: string) => post({ type: 'warning', message });
// Storage opens once; requests wait for it (it marks runs left 'running' as interrupted).
// After a lost device the backend is chosen again as the page asked at init (`?backend=`).
let requestedBackend: BackendChoice = 'auto';
const backendControl: BackendControl = {
  reinitialise: () => reinitialiseBackend(requestedBackend),
  watch: watchDeviceLoss,
};
const controllerReady = RunRecorder.open(warn).then(
  (r) => new RunController((e) => post(e), r, backendControl),
);
const sweepsReady = controllerReady.then(
  (c) => new SweepController((e) => post(e), { sft: () => c.currentSft(), busy: () => c.busy() }),
);
/** Requests whose failure a lost GPU device may explain (they compute on the device). */
const ON_DEVICE = new Set<WorkerRequest['type']>([
  'smoke-forward',
  'probe-models',
  'load-checkpoint',
  'sft',
  'prepare',
  'step',
  'run-resume',
  'logprob',
  'export',
  'sweep-start',
]);
/** Requests that would train or replace the model while a sweep runs. */
const BLOCKED_BY_SWEEP = new Set<WorkerRequest['type']>([
  'prepare',
  'start',
  'step',
  'sft',
  'run-resume',
  'load-checkpoint',
  'import-model',
]);

const bytesOf = (b: ArrayBuffer) => new Uint8Array(b);

async function handle(req: WorkerRequest): Promise<void> {
  const controller = await controllerReady;
  const sweeps = await sweepsReady;
  if (sweeps.active && BLOCKED_BY_SWEEP.has(req.type)) {
    throw new Error('a frontier sweep is running: stop it first');
  }
  switch (req.type) {
    case 'init': {
      if (req.version !== PROTOCOL_VERSION) {
        throw new Error(`protocol version ${req.version} ≠ worker's ${PROTOCOL_VERSION}`);
      }
      requestedBackend = req.backend ?? 'auto';
      const report = await selectBackend(requestedBackend);
      watchDeviceLoss((reason) => void controller.onDeviceLost(reason));
      post({ type: 'ready', version: PROTOCOL_VERSION, ...report });
      return;
    }
    case 'smoke-forward': {
      const r = await smokeForward(req.preset, req.batch, req.seqLen, req.seed);
      post({ type: 'smoke-result', ...r });
      return;
    }
    case 'probe-models': {
      post({ type: 'probe-result', ...(await probeShippedModels(req.demoSteps)) });
      return;
    }
    case 'load-checkpoint':
      return controller.loadCheckpoint(req.url);
    case 'sft':
      return controller.trainSft(req.settings);
    case 'sft-stop':
      return controller.stopSft();
    case 'prepare':
      return controller.prepare(req.settings);
    case 'start':
      return controller.start();
    case 'pause':
      return controller.pause();
    case 'step':
      return controller.stepOnce();
    case 'reset':
      return controller.reset();
    case 'update':
      return controller.update(req);
    case 'import-preferences':
      return controller.importData(req.name, bytesOf(req.bytes));
    case 'use-builtin-data':
      return controller.selectBuiltinData();
    case 'import-corpus':
      return controller.importCorpus(req.name, bytesOf(req.bytes));
    case 'import-model':
      return controller.importModel(
        req.files.map((f) => ({ name: f.name, bytes: bytesOf(f.bytes) })),
      );
    case 'export':
      return controller.exportFile(req.what);
    case 'runs-list':
      return controller.listRuns();
    case 'run-rename':
      return controller.renameRun(req.id, req.name);
    case 'run-delete':
      return controller.deleteRun(req.id);
    case 'run-prune':
      return controller.pruneRun(req.id);
    case 'run-resume':
      return controller.resume(req.id);
    case 'logprob':
      return controller.logprob(req.text, req.model);
    case 'sweep-start':
      return sweeps.start(req.sweep);
    case 'sweep-stop':
      return sweeps.stop();
    case 'ping':
      post({ type: 'pong', id: req.id }); // answered early in onmessage; here for exhaustiveness
      return;
    case 'lose-device':
      if (!destroyDevice()) throw new Error('not on WebGPU: there is no GPU device to lose');
      return;
    case 'crash':
      scope.close(); // silent from here on, as a killed worker would be
      return;
    default: {
      const never: never = req;
      throw new Error(`unknown request ${JSON.stringify(never)}`);
    }
  }
}

scope.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const req = ev.data;
  // The heartbeat must not wait behind storage opening or anything else.
  if (req?.type === 'ping') {
    post({ type: 'pong', id: req.id });
    return;
  }
  handle(req).catch(async (e: unknown) => {
    // A lost GPU device's recovery reports it (a fault banner), not as a generic failure.
    if (ON_DEVICE.has(req.type) && (await (await controllerReady).lostDeviceExplains(e))) return;
    post({
      type: 'error',
      message: e instanceof Error ? e.message : String(e),
      requestType: typeof req?.type === 'string' ? req.type : 'unknown',
    });
  });
};
