import { useEffect, useMemo, useRef, useState } from 'react';
import { WorkerClient } from '../worker/client';
import type { SmokeResult } from '../worker/protocol';
import { installAutomation, type PlaygroundStatus } from './automation';
import { BackendBadge } from './BackendBadge';
import { EngineCheck } from './EngineCheck';

const INITIAL: PlaygroundStatus = {
  phase: 'loading',
  step: 0,
  backend: null,
  adapter: null,
  fallbackReason: null,
};

export function App() {
  const [status, setStatus] = useState<PlaygroundStatus>(INITIAL);
  const [error, setError] = useState<string | null>(null);
  const statusRef = useRef(status);
  statusRef.current = status;
  const client = useMemo(() => new WorkerClient(), []);

  useEffect(() => {
    const off = client.on((e) => {
      switch (e.type) {
        case 'ready':
          setStatus((s) => ({
            ...s,
            phase: 'idle',
            backend: e.backend,
            adapter: e.adapter,
            fallbackReason: e.fallbackReason,
          }));
          return;
        case 'error':
          setError(e.message);
          if (e.requestType === 'init' || e.requestType === 'unknown') {
            setStatus((s) => ({ ...s, phase: 'error' }));
          }
          return;
        case 'smoke-result':
          return;
        default: {
          const never: never = e;
          return never;
        }
      }
    });
    client.init();
    return () => {
      off();
    };
  }, [client]);

  const smokeForward = useMemo(
    () => async (): Promise<SmokeResult> => {
      const { type: _type, ...r } = await client.request(
        { type: 'smoke-forward', preset: 'nano', batch: 2, seqLen: 16, seed: 0 },
        'smoke-result',
      );
      return r;
    },
    [client],
  );

  useEffect(
    () => installAutomation({ status: () => statusRef.current, smokeForward }),
    [smokeForward],
  );

  return (
    <div className="app">
      <header className="topbar">
        <div>
          <h1>DPO Playground</h1>
          <p className="tagline">
            Direct Preference Optimization, live in your browser: a small GPT learns from
            preferences, on WebGPU. Nothing leaves this machine.
          </p>
        </div>
        <BackendBadge status={status} />
      </header>
      {status.fallbackReason && (
        <p className="notice" role="status">
          Running on {status.backend}: {status.fallbackReason}.
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <main className="grid">
        <EngineCheck run={smokeForward} disabled={status.phase !== 'idle'} />
      </main>
    </div>
  );
}
