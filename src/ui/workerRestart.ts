/**
 * The worker-restart protocol. A worker that stops answering is replaced by a new one, which
 * resumes the saved run the old one was on from its last checkpoint (as after a reload):
 *
 *   new worker 'ready' → run-resume(runId) → 'run-state' of that run, not preparing → restarted
 *     (and ▶ again if it was training);  an error of run-resume → load the model afresh.
 *
 * `restartOnEvent` is that protocol as a pure function; `useRestartableWorker` holds the
 * client and applies it.
 */

import { useCallback, useEffect, useRef, useState } from 'react';
import { WorkerClient } from '../worker/client';
import type { BackendChoice, WorkerEvent, WorkerRequest } from '../worker/protocol';
import { loadBackendRace, saveBackendRace } from './backendMemory';
import type { UiAction, UiState } from './store';

/** The run a new worker is to resume; null: no restart in progress. */
export type PendingRestart = { runId: string; training: boolean } | null;

export interface RestartStep {
  pending: PendingRestart;
  /** Requests to send now. */
  send: WorkerRequest[];
  /** The run resumed at this step: the UI says so. */
  restartedAt: number | null;
  /** The resume failed: load the SFT model afresh instead. */
  reload: boolean;
  /** A 'ready' the restart consumed: the page's usual start-up must not run. */
  consumed: boolean;
}

/** What `e` from the new worker means for the restart in progress. */
export function restartOnEvent(pending: PendingRestart, e: WorkerEvent): RestartStep {
  const none = { pending, send: [], restartedAt: null, reload: false, consumed: false };
  if (!pending) return none;
  if (e.type === 'ready') {
    return { ...none, send: [{ type: 'run-resume', id: pending.runId }], consumed: true };
  }
  if (e.type === 'run-state' && e.runId === pending.runId && e.state !== 'preparing') {
    const again = pending.training && e.state === 'paused';
    return { ...none, pending: null, send: again ? [{ type: 'start' }] : [], restartedAt: e.step };
  }
  if (e.type === 'error' && e.requestType === 'run-resume') {
    return { ...none, pending: null, reload: true };
  }
  return none;
}

/** The run to resume when the worker is replaced now. */
export function pendingFor(s: UiState): PendingRestart {
  return s.runId ? { runId: s.runId, training: s.run === 'training' } : null;
}

/**
 * The current WorkerClient, started on `backend`; `onEvent` sees every event except a 'ready'
 * consumed by a restart; `reload` loads the model when a restarted worker cannot resume.
 */
export function useRestartableWorker(o: {
  backend: BackendChoice;
  dispatch: (a: UiAction) => void;
  state: () => UiState;
  onEvent: (client: WorkerClient, e: WorkerEvent) => void;
  reload: (client: WorkerClient) => void;
}): { client: WorkerClient; restartWorker: () => void } {
  const [client, setClient] = useState(() => new WorkerClient());
  const clientRef = useRef(client);
  clientRef.current = client;
  const pending = useRef<PendingRestart>(null);
  const latest = useRef(o);
  latest.current = o;

  useEffect(() => {
    const { dispatch } = latest.current;
    const off = client.on((e) => {
      if (e.type === 'ready') saveBackendRace(e.measurement);
      dispatch(e);
      const step = restartOnEvent(pending.current, e);
      pending.current = step.pending;
      for (const r of step.send) client.send(r);
      if (step.restartedAt !== null) dispatch({ type: 'worker-restarted', step: step.restartedAt });
      if (step.reload) latest.current.reload(client);
      if (!step.consumed) latest.current.onEvent(client, e);
      else client.send({ type: 'runs-list' });
    });
    const offLiveness = client.onLiveness((alive, reason) =>
      dispatch(alive ? { type: 'worker-alive' } : { type: 'worker-stopped', reason }),
    );
    client.init(o.backend, loadBackendRace());
    return () => {
      off();
      offLiveness();
    };
  }, [client, o.backend]);

  const restartWorker = useCallback(() => {
    const s = latest.current.state();
    pending.current = pendingFor(s);
    clientRef.current.terminate();
    latest.current.dispatch({ type: 'worker-restarting' });
    if (!s.runId) latest.current.dispatch({ type: 'clear-run' });
    setClient(new WorkerClient());
  }, []);

  return { client, restartWorker };
}
