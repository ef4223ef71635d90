/** Installs the page's automation API (automation.ts) on window, reading the live UI state. */
import { useEffect, useRef } from 'react';
import type { WorkerClient } from '../worker/client';
import type { SmokeResult } from '../worker/protocol';
import { installAutomation } from './automation';
import type { UiState } from './store';

export function useAutomation(
  state: UiState,
  client: WorkerClient,
  smokeForward: () => Promise<SmokeResult>,
  restartWorker: () => void,
): void {
  const stateRef = useRef(state);
  stateRef.current = state;
  useEffect(
    () =>
      installAutomation({
        status: () => {
          const s = stateRef.current;
          return {
            // Loading until the first model is in: the speed probe runs before it loads.
            phase:
              !s.backend || (!s.model && !s.checkpoint && s.run === 'empty')
                ? 'loading'
                : s.run === 'empty'
                  ? 'idle'
                  : s.run,
            step: s.step,
            backend: s.backend,
            adapter: s.adapter,
            fallbackReason: s.fallbackReason,
            engine: s.engine,
            runId: s.runId,
          };
        },
        metrics: () => stateRef.current.points.map((p) => ({ ...p })),
        sftMetrics: () => stateRef.current.sftPoints.map((p) => ({ ...p })),
        checkpoint: () => {
          const c = stateRef.current.checkpoint;
          return c
            ? { url: c.url, preset: c.preset, parameters: c.parameters, vocabSize: c.vocabSize }
            : null;
        },
        samples: () => stateRef.current.samples.map((s) => ({ ...s })),
        dataset: () => stateRef.current.dataset,
        runs: () => stateRef.current.runs.map((r) => ({ ...r })),
        warnings: () => [...stateRef.current.warnings],
        frontier: () => ({
          state: stateRef.current.sweep.state,
          points: stateRef.current.sweep.points.map((p) => ({ ...p })),
          runs: stateRef.current.sweep.runs.map((r) => ({ ...r })),
        }),
        logprob: async (text, model) => {
          const r = await client.request({ type: 'logprob', text, model }, 'logprob-result');
          return r.logprob;
        },
        smokeForward,
        fault: () => {
          const f = stateRef.current.fault;
          return f ? { ...f } : null;
        },
        loseDevice: () => client.send({ type: 'lose-device' }),
        forceLearningRate: (lr) => client.send({ type: 'force-lr', lr }),
        killWorker: () => client.send({ type: 'crash' }),
        restartWorker,
      }),
    [client, smokeForward, restartWorker],
  );
}
