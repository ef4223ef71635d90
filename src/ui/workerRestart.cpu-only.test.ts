import { describe, expect, it } from 'vitest';
import type { WorkerEvent } from '../worker/protocol';
import { INITIAL_STATE, reduce } from './store';
import { pendingFor, restartOnEvent } from './workerRestart';

const READY: WorkerEvent = {
  type: 'ready',
  version: 1,
  backend: 'wasm',
  adapter: null,
  requested: 'auto',
  threads: 2,
  crossOriginIsolated: true,
  passedOver: [],
  fallbackReason: null,
  measurement: null,
};
const runState = (state: 'preparing' | 'paused' | 'done', runId: string, step: number) =>
  ({ type: 'run-state', state, step, steps: 60, runId, facts: null }) as const;

describe('the worker-restart protocol', () => {
  it('a new worker resumes the run that was training, then trains on', () => {
    const pending = pendingFor({ ...INITIAL_STATE, run: 'training', runId: 'r1', step: 42 });
    expect(pending).toEqual({ runId: 'r1', training: true });
    const a = restartOnEvent(pending, READY);
    expect(a).toMatchObject({ consumed: true, send: [{ type: 'run-resume', id: 'r1' }] });
    // Still loading the run: nothing yet.
    const b = restartOnEvent(a.pending, runState('preparing', 'r1', 0));
    expect(b).toMatchObject({ pending, send: [], restartedAt: null });
    const c = restartOnEvent(b.pending, runState('paused', 'r1', 40));
    expect(c).toEqual({
      pending: null,
      send: [{ type: 'start' }],
      restartedAt: 40,
      reload: false,
      consumed: false,
    });
  });

  it('a paused run comes back paused; a failed resume loads the model afresh', () => {
    const pending = pendingFor({ ...INITIAL_STATE, run: 'paused', runId: 'r2' });
    const back = restartOnEvent(pending, runState('paused', 'r2', 20));
    expect(back).toMatchObject({ pending: null, send: [], restartedAt: 20 });
    const failed = restartOnEvent(pending, {
      type: 'error',
      message: 'gone',
      requestType: 'run-resume',
    });
    expect(failed).toMatchObject({ pending: null, reload: true, restartedAt: null });
  });

  it('without a run to resume, the page starts up as usual', () => {
    expect(pendingFor({ ...INITIAL_STATE, run: 'empty', runId: null })).toBeNull();
    expect(restartOnEvent(null, READY)).toMatchObject({ consumed: false, send: [] });
  });
});

describe('run facts in the UI state', () => {
  it('come from the worker and go with the run', () => {
    const facts = { lossType: 'ipo', beta: 0.3 } as const;
    const s = reduce(INITIAL_STATE, { ...runState('paused', 'r1', 5), facts });
    expect(s.facts).toEqual(facts);
    expect(reduce(s, { ...runState('paused', 'r1', 5), state: 'empty' } as WorkerEvent).facts).toBe(
      null,
    );
  });
});
