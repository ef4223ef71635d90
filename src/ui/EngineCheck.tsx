import { useState } from 'react';
import type { SmokeResult } from '../worker/protocol';

/** Runs one forward pass of a nano model in the worker and shows what came back. */
export function EngineCheck({
  run,
  disabled,
}: {
  run: () => Promise<SmokeResult>;
  disabled: boolean;
}) {
  const [result, setResult] = useState<SmokeResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onClick = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await run());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="engine-title">
      <h2 id="engine-title">Engine check</h2>
      <p className="hint">
        One forward pass of a freshly initialised <em>nano</em> GPT in the worker: ids [2, 16] →
        logits [2, 16, V].
      </p>
      <button type="button" data-testid="smoke-run" onClick={onClick} disabled={disabled || busy}>
        {busy ? 'Running…' : 'Run a forward pass'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <dl className="facts" data-testid="smoke-result" data-finite={String(result.finite)}>
          <dt>parameters</dt>
          <dd>{result.parameters.toLocaleString()}</dd>
          <dt>logits shape</dt>
          <dd>[{result.logitsShape.join(', ')}]</dd>
          <dt>Σ logits</dt>
          <dd>{result.checksum.toFixed(4)}</dd>
          <dt>time</dt>
          <dd>{result.ms.toFixed(1)} ms</dd>
        </dl>
      )}
    </section>
  );
}
