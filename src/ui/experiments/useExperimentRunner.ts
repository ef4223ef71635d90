/**
 * Drives an experiment's runs through the worker, one after another, as the Train button
 * would: prepare (with the experiment's explicit options), start, wait for the end; each run's
 * metric points are collected from the worker's stream. Pure step logic in `nextPhase`.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Experiment } from '../../pipeline/experiments/experiments';
import { experimentSettings } from '../../pipeline/experiments/experiments';
import type { MetricPoint } from '../../pipeline/views';
import type { WorkerClient } from '../../worker/client';
import type { WorkerEvent } from '../../worker/protocol';

export type RunnerPhase =
  | { kind: 'idle' }
  | { kind: 'running'; index: number; step: number; steps: number }
  | { kind: 'done'; seconds: number }
  | { kind: 'failed'; message: string };

/**
 * Resolves on the first event `pred` accepts; rejects on an error, a fault, or the run
 * pausing (the Pause button, or Stop here): the experiment then ends.
 */
function waitFor(client: WorkerClient, pred: (e: WorkerEvent) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const off = client.on((e) => {
      if (pred(e)) {
        off();
        resolve();
      } else if (e.type === 'error') {
        off();
        reject(new Error(e.message));
      } else if (e.type === 'fault') {
        off();
        reject(new Error(e.fault.message));
      } else if (e.type === 'run-state' && e.state === 'paused') {
        off();
        reject(new Error('the run was paused: the experiment stopped'));
      }
    });
  });
}

export function useExperimentRunner(
  client: WorkerClient,
  exp: Experiment | undefined,
  seed: number,
  /** Told before each run starts (the page clears its charts for it). */
  onRunStart: () => void,
) {
  const [phase, setPhase] = useState<RunnerPhase>({ kind: 'idle' });
  const [runs, setRuns] = useState<MetricPoint[][]>([]);
  const cancelled = useRef(false);
  // A different experiment starts from nothing.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the experiment changes.
  useEffect(() => {
    setPhase({ kind: 'idle' });
    setRuns([]);
  }, [exp?.id]);

  const run = useCallback(async () => {
    if (!exp) return;
    cancelled.current = false;
    const t0 = performance.now();
    const done: MetricPoint[][] = [];
    setRuns([]);
    try {
      for (const [index, r] of exp.runs.entries()) {
        const settings = experimentSettings(r, seed);
        const points: MetricPoint[] = [];
        let runId: string | null = null;
        done.push(points);
        setPhase({ kind: 'running', index, step: 0, steps: settings.steps });
        const off = client.on((e) => {
          if (e.type === 'metrics') {
            points.push(...e.points);
            setRuns(done.map((p) => [...p]));
          }
          if (e.type === 'rewind') {
            const keep = points.filter((p) => p.step <= e.step);
            points.splice(0, points.length, ...keep);
          }
          if (e.type === 'run-state') {
            runId = e.runId ?? runId;
            if (e.state === 'training') {
              setPhase({ kind: 'running', index, step: e.step, steps: e.steps });
            }
          }
        });
        try {
          onRunStart();
          const ready = waitFor(client, (e) => e.type === 'run-state' && e.state === 'ready');
          client.send({ type: 'prepare', settings, ...(r.options ? { options: r.options } : {}) });
          await ready;
          if (cancelled.current) throw new Error('stopped');
          const finished = waitFor(client, (e) => e.type === 'run-state' && e.state === 'done');
          client.send({ type: 'start' });
          await finished;
          // Saved under the experiment's name, so the runs read apart in Saved runs and overlays.
          if (runId) client.send({ type: 'run-rename', id: runId, name: `${exp.id}: ${r.label}` });
        } finally {
          off();
        }
      }
      setRuns(done.map((p) => [...p]));
      setPhase({ kind: 'done', seconds: (performance.now() - t0) / 1000 });
    } catch (e) {
      setPhase({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  }, [client, exp, seed, onRunStart]);

  const stop = useCallback(() => {
    cancelled.current = true;
    client.send({ type: 'pause' });
  }, [client]);

  return { phase, runs, run, stop };
}
