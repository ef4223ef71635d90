/// <reference lib="webworker" />
/**
 * The worker that owns tfjs: a thin, exhaustive switch over typed requests. Each request goes
 * to the part that owns it (runController.ts): the run (`c.session`), the data (`c.workspace`),
 * the saved runs (`c.runs`), or the controller when it changes the model under a run.
 */
import { runClosedForm } from '../pipeline/closedForm/train';
import type { BackendMeasurement } from './backendRace';
import {
  destroyDevice,
  reinitialiseBackend,
  selectBackend,
  watchDeviceLoss,
} from './browserBackend';
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
/** The race verdict of this page (a lost device chooses again without racing). */
let raced: BackendMeasurement | null = null;
const backendControl: BackendControl = {
  reinitialise: () => reinitialiseBackend(requestedBackend, raced),
  watch: watchDeviceLoss,
};
const controllerReady = RunRecorder.open(warn).then(
  (r) => new RunController(post, r, backendControl),
);
const sweepsReady = controllerReady.then(
  (c) => new SweepController(post, { sft: () => c.workspace.model, busy: () => c.busy() }),
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
  'export-trl-job',
  'sweep-start',
  'closed-form',
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
  const c = await controllerReady;
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
      const report = await selectBackend(requestedBackend, req.remembered ?? null);
      raced = report.measurement;
      watchDeviceLoss((reason) => void c.recovery.onDeviceLost(reason));
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
      return c.loadCheckpoint(req.url);
    case 'sft':
      return c.trainSft(req.settings);
    case 'sft-stop':
      return c.stopSft();
    case 'import-model':
      return c.importModel(req.files.map((f) => ({ name: f.name, bytes: bytesOf(f.bytes) })));
    case 'reset':
      return c.reset();
    case 'export':
      return c.exportFile(req.what);
    case 'logprob':
      return c.logprob(req.text, req.model);
    case 'run-delete':
      return c.deleteRun(req.id);
    case 'prepare':
      // An experiment's options (lr 0 is outside the settings' bounds on purpose) go with it.
      return c.session.prepare(req.settings, undefined, req.options);
    case 'run-resume':
      return c.session.resume(req.id);
    case 'start':
      return c.session.start();
    case 'pause':
      return c.session.pause();
    case 'step':
      return c.session.stepOnce();
    case 'update':
      return c.session.update(req.settings);
    case 'import-preferences':
      return c.workspace.importData(req.name, bytesOf(req.bytes));
    case 'use-builtin-data':
      return c.workspace.selectBuiltinData();
    case 'import-corpus':
      return c.workspace.importCorpus(req.name, bytesOf(req.bytes));
    case 'runs-list':
      return c.runs.refresh();
    case 'run-metrics':
      return c.runs.metrics(req.ids);
    case 'run-rename':
      return c.runs.rename(req.id, req.name);
    case 'run-prune':
      return c.runs.prune(req.id);
    case 'sweep-start':
      return sweeps.start(req.sweep);
    case 'sweep-stop':
      return sweeps.stop();
    case 'export-trl-job':
      return sweeps.exportTrlJob(req.sweep);
    case 'closed-form': {
      const { beta, seed, pairsPerPrompt } = req;
      post({
        type: 'closed-form-result',
        result: await runClosedForm({ beta, seed, pairsPerPrompt }),
      });
      return;
    }
    case 'ping':
      post({ type: 'pong', id: req.id }); // answered early in onmessage; here for exhaustiveness
      return;
    case 'force-lr':
      return c.session.forceLearningRate(req.lr);
    case 'lose-device':
      if (!destroyDevice()) throw new Error('not on WebGPU: there is no GPU device to lose');
      return;
    case 'crash':
      scope.close(); // silent from here on, as a killed worker would be
      return;
    case 'label-next':
      return c.labelling.labels.next(req.from, req.generation, req.order);
    case 'label':
      return c.labelling.labels.label(req.choice);
    case 'label-edit':
      return c.labelling.labels.edit(req.id, req.choice);
    case 'label-remove':
      return c.labelling.labels.remove(req.id);
    case 'label-test':
      return c.labelling.labels.testMe(req.n);
    case 'label-train':
      return c.labelling.train(req.settings, req.route);
    case 'label-import':
      return c.labelling.importLabels(req.name, req.bytes);
    case 'what-changed':
      return c.labelling.labels.whatChanged();
    case 'label-export':
      return c.labelling.exportLabels();
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
    if (ON_DEVICE.has(req.type) && (await (await controllerReady).recovery.explains(e))) return;
    post({
      type: 'error',
      message: e instanceof Error ? e.message : String(e),
      requestType: typeof req?.type === 'string' ? req.type : 'unknown',
    });
  });
};
