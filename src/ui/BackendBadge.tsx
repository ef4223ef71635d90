import type { PlaygroundStatus } from './automation';

const LABEL = { webgpu: 'WebGPU', webgl: 'WebGL', cpu: 'CPU' } as const;

/** Which tfjs backend the worker runs on, the adapter, and why a fallback happened. */
export function BackendBadge({ status }: { status: PlaygroundStatus }) {
  const { backend, adapter, fallbackReason, phase } = status;
  const text = backend
    ? [LABEL[backend], adapter && [adapter.vendor, adapter.architecture].filter(Boolean).join(' ')]
        .filter(Boolean)
        .join(' · ')
    : phase === 'error'
      ? 'no backend'
      : 'starting…';
  const tone = backend === 'webgpu' ? 'good' : backend ? 'warn' : 'muted';
  return (
    <span
      className={`badge badge-${tone}`}
      data-testid="backend-badge"
      data-backend={backend ?? ''}
      title={fallbackReason ? `Fell back: ${fallbackReason}` : (adapter?.description ?? '')}
    >
      <span className="dot" aria-hidden="true" />
      {text}
    </span>
  );
}
