/**
 * The run's state machine: one typed state, the events that move it, and the one definition
 * of "busy". Pure and free of tfjs: the worker's controller and the UI both use it.
 *
 *   empty ─load→ loading-checkpoint ─loaded→ empty          empty ─sft→ sft ─loaded→ empty
 *   empty|ready|paused|done ─prepare→ preparing ─prepared→ ready | paused | done
 *   ready|paused ─start→ training ─pause→ pausing ─stopped→ paused   (pausing ─start→ training)
 *   ready|paused ─step→ stepping ─stopped→ paused | done          training ─stopped→ done
 *   training|pausing|stepping ─fault→ paused (rolled back to the last good checkpoint)
 *   any ─device-lost→ recovering ─recovered→ empty | paused | done
 */

export const RUN_STATES = [
  'empty',
  'loading-checkpoint',
  /** Supervised fine-tuning in the browser: a new π_ref is being trained. */
  'sft',
  /** Sampling and labelling pairs, caching π_ref (or loading a saved run). */
  'preparing',
  'ready',
  'training',
  /** Pause asked for: the step in flight ends, then a checkpoint is saved. */
  'pausing',
  /** One step (the Step button), then a checkpoint. */
  'stepping',
  'paused',
  'done',
  /** The GPU device was lost: a new backend starts and the models are rebuilt. */
  'recovering',
] as const;

export type RunState = (typeof RUN_STATES)[number];

export type RunEvent =
  | { type: 'load' }
  | { type: 'sft' }
  /** A model is in (loaded, trained, imported) or a load failed: no run. */
  | { type: 'loaded' }
  | { type: 'prepare' }
  | { type: 'prepare-failed' }
  | { type: 'prepared'; resumed: boolean; done: boolean }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'step' }
  /** The loop or single step ended and its checkpoint is saved. */
  | { type: 'stopped'; done: boolean }
  /** A step failed: the run is back at its last good checkpoint, or kept where it was. */
  | { type: 'fault' }
  | { type: 'device-lost' }
  | { type: 'recovered'; run: 'none' | 'paused' | 'done' }
  | { type: 'reset' };

/** States in which something trains, samples, loads or recovers: nothing else may start. */
const BUSY: ReadonlySet<RunState> = new Set([
  'loading-checkpoint',
  'sft',
  'preparing',
  'training',
  'pausing',
  'stepping',
  'recovering',
]);

/** True while something trains, samples, loads or recovers. */
export function isBusy(state: RunState): boolean {
  return BUSY.has(state);
}

/** Reset is allowed when nothing is busy, and also mid-training (it drops the run). */
export function canReset(state: RunState): boolean {
  return !isBusy(state) || state === 'training' || state === 'pausing';
}

const IDLE: ReadonlySet<RunState> = new Set(['empty', 'ready', 'paused', 'done']);

/** The state after `e`, or null when `e` is not allowed in `s`. */
export function transition(s: RunState, e: RunEvent): RunState | null {
  switch (e.type) {
    case 'load':
    case 'sft':
    case 'prepare':
      if (!IDLE.has(s)) return null;
      return e.type === 'load' ? 'loading-checkpoint' : e.type === 'sft' ? 'sft' : 'preparing';
    case 'loaded':
      return s === 'loading-checkpoint' || s === 'sft' || IDLE.has(s) ? 'empty' : null;
    case 'prepare-failed':
      return s === 'preparing' ? 'empty' : null;
    case 'prepared':
      if (s !== 'preparing') return null;
      return e.done ? 'done' : e.resumed ? 'paused' : 'ready';
    case 'start':
      return s === 'ready' || s === 'paused' || s === 'pausing' ? 'training' : null;
    case 'pause':
      return s === 'training' ? 'pausing' : null;
    case 'step':
      return s === 'ready' || s === 'paused' ? 'stepping' : null;
    case 'stopped':
      if (s !== 'training' && s !== 'pausing' && s !== 'stepping') return null;
      return e.done ? 'done' : 'paused';
    case 'fault':
      return s === 'training' || s === 'pausing' || s === 'stepping' ? 'paused' : null;
    case 'device-lost':
      return s === 'recovering' ? null : 'recovering';
    case 'recovered':
      if (s !== 'recovering') return null;
      return e.run === 'none' ? 'empty' : e.run;
    case 'reset':
      return canReset(s) ? 'empty' : null;
    default: {
      const never: never = e;
      throw new Error(`unknown run event ${JSON.stringify(never)}`);
    }
  }
}
