import type { BackendName, BackendReport } from '../worker/protocol';
import type { PlaygroundStatus } from './automation';

const LABEL: Readonly<Record<BackendName, string>> = {
  webgpu: 'WebGPU',
  wasm: 'WASM',
  webgl: 'WebGL',
  cpu: 'CPU',
};

/** "google swiftshader": the adapter's vendor and architecture. */
const adapterName = (e: Pick<BackendReport, 'adapter'>) =>
  e.adapter ? [e.adapter.vendor, e.adapter.architecture].filter(Boolean).join(' ') : '';

/** The badge's words: backend, adapter or threads, whether forced. */
export function badgeText(e: BackendReport): string {
  const parts: string[] = [LABEL[e.backend]];
  if (e.backend === 'webgpu' && adapterName(e)) parts.push(adapterName(e));
  if (e.backend === 'wasm' && e.threads !== null) {
    parts.push(`${e.threads} thread${e.threads === 1 ? '' : 's'}`);
  }
  if (e.requested !== 'auto') parts.push(`?backend=${e.requested}`);
  return parts.join(' · ');
}

/** Why the others were not used, the ones ruled out or failed first; "" when none were. */
export function passedOverText(e: BackendReport): string {
  const notable = e.passedOver.filter((p) => !/^(ranks below|not asked for)/.test(p.reason));
  const rest = e.passedOver.filter((p) => !notable.includes(p));
  const lines = notable.map((p) => `${LABEL[p.backend]} passed over: ${p.reason}`);
  if (rest.length) {
    lines.push(`${rest.map((p) => LABEL[p.backend]).join(', ')}: ${rest[0]?.reason ?? ''}`);
  }
  if (e.backend === 'wasm' && !e.crossOriginIsolated) {
    lines.push('one thread: the page is not cross-origin isolated (no COOP/COEP headers)');
  }
  return lines.join('; ');
}

/**
 * Which tfjs backend the worker runs on, the adapter (WebGPU) or threads (WASM), and why the
 * other backends were passed over (the first reason shown, all of them in the tooltip).
 */
export function BackendBadge({ status }: { status: PlaygroundStatus }) {
  const { backend, engine, phase } = status;
  const text = engine ? badgeText(engine) : phase === 'error' ? 'no backend' : 'starting…';
  const why = engine ? passedOverText(engine) : '';
  const firstWhy = engine?.passedOver.find((p) => !/^(ranks below|not asked for)/.test(p.reason));
  const gpu = engine && engine.backend !== 'webgpu' && adapterName(engine);
  const fast = backend === 'webgpu' || (backend === 'wasm' && (engine?.threads ?? 1) > 1);
  const tone = fast ? 'good' : backend ? 'warn' : 'muted';
  const title = [
    why,
    gpu ? `WebGPU adapter: ${gpu}` : '',
    status.fallbackReason ? `Fell back: ${status.fallbackReason}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <span
      className={`badge badge-${tone}`}
      data-testid="backend-badge"
      data-backend={backend ?? ''}
      data-threads={engine?.threads ?? ''}
      title={title || (status.adapter?.description ?? '')}
    >
      <span className="dot" aria-hidden="true" />
      {text}
      {firstWhy && (
        <span className="badge-why" data-testid="backend-why">
          {' '}
          · not {LABEL[firstWhy.backend]}: {firstWhy.reason}
        </span>
      )}
    </span>
  );
}
