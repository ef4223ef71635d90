/** The UI's state: one typed object, updated only by worker events and user actions. */

import type { FrontierPoint, RunSummary } from '../pipeline/frontier/points';
import type { FrontierAlgorithm } from '../pipeline/frontier/sweepConfig';
import type { InspectorPair, MetricPoint, PairPreview, SampleView } from '../pipeline/views';
import type {
  AdapterInfo,
  BackendName,
  BackendReport,
  CheckpointSummary,
  DatasetSummary,
  FaultReport,
  RunFacts,
  RunListItem,
  RunMetrics,
  StorageSummary,
  WorkerEvent,
} from '../worker/protocol';
import type { RunState } from '../worker/runState';
import type { ModelChoiceView } from './modelChoice';

/** One run of a frontier sweep, as the runs table shows it. */
export interface SweepRunView {
  runId: string;
  label: string;
  algorithm: FrontierAlgorithm;
  status: 'running' | 'done';
  startedAt: number;
  /** One per finished replicate seed, in the order they finished. */
  summaries: RunSummary[];
}

export interface SweepView {
  state: 'idle' | 'running' | 'done' | 'stopped' | 'failed';
  name: string;
  progress: { stage: string; done: number; total: number; runId: string | null } | null;
  /** Position in the current seed's queue: run `index` of `count` (runs per seed). */
  index: number;
  count: number;
  /** The replicate under way: seed `index` of `count`; null before the first. */
  seed: { seed: number; index: number; count: number } | null;
  /** Share (0–1) of the current run's main loop done: training steps or Best-of-N draws. */
  runDone: number;
  runs: SweepRunView[];
  points: FrontierPoint[];
}

export interface UiState {
  backend: BackendName | null;
  adapter: AdapterInfo | null;
  fallbackReason: string | null;
  /** How the backend was chosen: threads, the others and why they were passed over. */
  engine: BackendReport | null;
  checkpoint: CheckpointSummary | null;
  /** The shipped model in use and how it was picked (probe, link, user); null: not yet. */
  model: ModelChoiceView | null;
  run: RunState;
  step: number;
  steps: number;
  /** The current run's β and loss type, as the worker reports them; null: no run. */
  facts: RunFacts | null;
  progress: { stage: string; done: number; total: number } | null;
  /** DPO metrics of the current run. */
  points: MetricPoint[];
  /** Loss curve of the last SFT trained in the browser. */
  sftPoints: MetricPoint[];
  samples: SampleView[];
  inspector: InspectorPair[];
  pairs: PairPreview[];
  pairsTotal: number;
  error: string | null;
  /** Things that did not stop the run (storage full, import notes); newest last. */
  warnings: string[];
  /** The imported preference data in use; null: the built-in sampled pairs. */
  dataset: DatasetSummary | null;
  corpus: { name: string; note: string } | null;
  /** The saved run the current run is recorded as. */
  runId: string | null;
  runs: RunListItem[];
  storage: StorageSummary | null;
  /** Saved runs overlaid on the comparison charts, with their stored metric histories. */
  overlay: RunMetrics[];
  sweep: SweepView;
  /** The fault banner: what went wrong, what was restored, what to do; null: none. */
  fault: FaultReport | null;
  /** The last checkpoint saved (what a restarted worker resumes from, if it is this run's). */
  saved: { runId: string; step: number } | null;
  /** The worker stopped answering: it can be restarted from the last checkpoint. */
  workerStopped: boolean;
}

export const INITIAL_STATE: UiState = {
  backend: null,
  adapter: null,
  fallbackReason: null,
  engine: null,
  checkpoint: null,
  model: null,
  run: 'empty',
  step: 0,
  steps: 0,
  facts: null,
  progress: null,
  points: [],
  sftPoints: [],
  samples: [],
  inspector: [],
  pairs: [],
  pairsTotal: 0,
  error: null,
  warnings: [],
  dataset: null,
  corpus: null,
  runId: null,
  runs: [],
  storage: null,
  overlay: [],
  sweep: {
    state: 'idle',
    name: '',
    progress: null,
    index: 0,
    count: 0,
    seed: null,
    runDone: 0,
    runs: [],
    points: [],
  },
  fault: null,
  saved: null,
  workerStopped: false,
};

/** The banner text for a silent worker, from what the UI knows (it cannot ask the worker). */
function workerStoppedFault(s: UiState, reason: string): FaultReport {
  const savedStep = s.saved && s.saved.runId === s.runId ? s.saved.step : null;
  const what =
    savedStep !== null
      ? `The run is saved up to its last checkpoint (step ${savedStep}): restart the worker to resume from there.`
      : 'Nothing of a run was saved: restart the worker to load the model again.';
  return {
    kind: 'worker-stopped',
    step: s.step,
    restoredStep: savedStep,
    message: `The training worker stopped at step ${s.step} (${reason}). ${what}`,
  };
}

export type UiAction =
  | WorkerEvent
  | { type: 'clear-run' }
  | { type: 'model-choice'; choice: ModelChoiceView }
  | { type: 'clear-sft' }
  | { type: 'dismiss-error' }
  | { type: 'dismiss-warnings' }
  | { type: 'dismiss-fault' }
  /** From the client's heartbeat: the worker went silent, or spoke again. */
  | { type: 'worker-stopped'; reason: string }
  | { type: 'worker-alive' }
  /** A new worker replaces the stopped one; what the old one held is gone. */
  | { type: 'worker-restarting' }
  /** The new worker resumed the run at its checkpoint. */
  | { type: 'worker-restarted'; step: number }
  /** Removes sweep runs (and their points) from the view. */
  | { type: 'remove-sweep-runs'; runIds: string[] };

/** The state's backend fields from a 'ready' or 'backend' event. */
function backendState(
  e: BackendReport,
): Pick<UiState, 'backend' | 'adapter' | 'fallbackReason' | 'engine'> {
  const engine: BackendReport = {
    backend: e.backend,
    adapter: e.adapter,
    requested: e.requested,
    threads: e.threads,
    crossOriginIsolated: e.crossOriginIsolated,
    measurement: e.measurement ?? null,
    passedOver: e.passedOver,
    fallbackReason: e.fallbackReason,
  };
  return { backend: e.backend, adapter: e.adapter, fallbackReason: e.fallbackReason, engine };
}

export function reduce(s: UiState, a: UiAction): UiState {
  switch (a.type) {
    case 'ready':
      return { ...s, ...backendState(a) };
    case 'model-choice':
      return { ...s, model: a.choice };
    case 'checkpoint': {
      const { type: _t, ...checkpoint } = a;
      return { ...s, checkpoint };
    }
    case 'progress':
      return { ...s, progress: { stage: a.stage, done: a.done, total: a.total } };
    case 'pairs':
      return { ...s, pairs: a.preview, pairsTotal: a.total };
    case 'metrics': {
      const sft = a.points.filter((p) => p.phase === 'sft');
      const dpo = sft.length ? a.points.filter((p) => p.phase !== 'sft') : a.points;
      const last = dpo.at(-1)?.step;
      return {
        ...s,
        // Steps advance with the metrics stream; run-state events come only on changes.
        step: last !== undefined && last > s.step ? last : s.step,
        points: dpo.length ? [...s.points, ...dpo] : s.points,
        sftPoints: sft.length ? [...s.sftPoints, ...sft] : s.sftPoints,
      };
    }
    case 'samples':
      return { ...s, samples: a.samples };
    case 'inspector':
      return { ...s, inspector: a.pairs };
    case 'run-state':
      return {
        ...s,
        run: a.state,
        step: a.step,
        steps: a.steps,
        runId: a.runId,
        facts: a.facts,
        progress: a.state === 'preparing' || a.state === 'sft' ? s.progress : null,
      };
    case 'error':
      return { ...s, error: a.message };
    case 'dataset':
      return { ...s, dataset: a.summary };
    case 'corpus':
      return { ...s, corpus: a.name ? { name: a.name, note: a.note } : null };
    case 'runs':
      return { ...s, runs: a.runs, storage: a.storage };
    case 'run-metrics':
      return { ...s, overlay: a.runs };
    case 'history':
      return { ...s, points: a.points, samples: a.samples, inspector: [] };
    case 'warning':
      return { ...s, warnings: [...s.warnings.slice(-4), a.message] };
    case 'sweep-state': {
      const fresh = a.state === 'running' && s.sweep.state !== 'running';
      const base = fresh
        ? { ...s.sweep, index: 0, count: 0, seed: null, runDone: 0, progress: null }
        : s.sweep;
      return {
        ...s,
        sweep: {
          ...base,
          state: a.state,
          name: a.name,
          progress: a.state === 'running' ? base.progress : null,
        },
      };
    }
    case 'sweep-progress': {
      // Only a run's main loop moves the bar: its evaluations and reward model come and go.
      const main = a.runId !== null && (a.stage === 'training' || a.stage === 'best-of-n');
      return {
        ...s,
        sweep: {
          ...s.sweep,
          progress: { stage: a.stage, done: a.done, total: a.total, runId: a.runId },
          runDone: main && a.total > 0 ? Math.min(1, a.done / a.total) : s.sweep.runDone,
        },
      };
    }
    case 'sweep-seed':
      return {
        ...s,
        sweep: {
          ...s.sweep,
          seed: { seed: a.seed, index: a.index, count: a.count },
          index: 0,
          runDone: 0,
          progress: null,
        },
      };
    case 'sweep-run-start': {
      // A later seed adds to the run's row and points (the panel draws mean ± s.e. across
      // seeds); otherwise a rerun of an id replaces the earlier run and its points.
      const earlier = s.sweep.runs.find((r) => r.runId === a.runId);
      const replicate = (s.sweep.seed?.index ?? 0) > 0 ? earlier : undefined;
      const run: SweepRunView = {
        runId: a.runId,
        label: a.label,
        algorithm: a.algorithm,
        status: 'running',
        startedAt: replicate?.startedAt ?? Date.now(),
        summaries: replicate?.summaries ?? [],
      };
      return {
        ...s,
        sweep: {
          ...s.sweep,
          index: a.index,
          count: a.count,
          runDone: 0,
          // A replicate keeps its row where it was.
          runs: replicate
            ? s.sweep.runs.map((r) => (r.runId === a.runId ? run : r))
            : [...s.sweep.runs.filter((r) => r.runId !== a.runId), run],
          points: replicate ? s.sweep.points : s.sweep.points.filter((p) => p.runId !== a.runId),
        },
      };
    }
    case 'frontier-point':
      return { ...s, sweep: { ...s.sweep, points: [...s.sweep.points, a.point] } };
    case 'sweep-run-end':
      return {
        ...s,
        sweep: {
          ...s.sweep,
          runs: s.sweep.runs.map((r) =>
            r.runId === a.summary.runId
              ? { ...r, status: 'done', summaries: [...r.summaries, a.summary] }
              : r,
          ),
        },
      };
    case 'remove-sweep-runs': {
      const drop = new Set(a.runIds);
      return {
        ...s,
        sweep: {
          ...s.sweep,
          runs: s.sweep.runs.filter((r) => !drop.has(r.runId)),
          points: s.sweep.points.filter((p) => !drop.has(p.runId)),
        },
      };
    }
    case 'fault':
      return { ...s, fault: a.fault };
    case 'rewind':
      return {
        ...s,
        step: a.step,
        points: s.points.filter((p) => p.step <= a.step),
        inspector: [],
      };
    case 'backend':
      return { ...s, ...backendState(a) };
    case 'saved':
      return { ...s, saved: { runId: a.runId, step: a.step } };
    case 'worker-stopped':
      return { ...s, workerStopped: true, fault: workerStoppedFault(s, a.reason) };
    case 'worker-alive':
      // It was only busy: drop the banner that offered a restart.
      return {
        ...s,
        workerStopped: false,
        fault: s.fault?.kind === 'worker-stopped' ? null : s.fault,
      };
    case 'worker-restarting':
      return {
        ...s,
        workerStopped: false,
        fault: null,
        backend: null,
        adapter: null,
        engine: null,
        run: 'preparing',
        progress: null,
        dataset: null,
        corpus: null,
      };
    case 'worker-restarted':
      return {
        ...s,
        fault: {
          kind: 'worker-stopped',
          step: a.step,
          restoredStep: a.step,
          message: `The training worker was restarted; the run resumed from step ${a.step}, its last checkpoint.`,
        },
      };
    case 'dismiss-fault':
      return { ...s, fault: null };
    case 'pong':
    case 'smoke-result':
    case 'probe-result': // the App turns it into a 'model-choice'
    case 'export-file':
    case 'logprob-result':
    case 'closed-form-result': // the closed-form card awaits it (client.request)
    // The labelling mode keeps its own state (ui/labelling/useLabelling.ts).
    case 'label-candidate':
    case 'labels':
    case 'agreement':
    case 'what-changed':
      return s;
    case 'clear-run':
      return { ...s, points: [], samples: [], inspector: [], pairs: [], pairsTotal: 0, step: 0 };
    case 'clear-sft':
      return { ...s, sftPoints: [] };
    case 'dismiss-error':
      return { ...s, error: null };
    case 'dismiss-warnings':
      return { ...s, warnings: [] };
    default: {
      const never: never = a;
      return never;
    }
  }
}
