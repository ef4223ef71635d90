/**
 * The bench page: runs one configuration named by the URL and leaves the outcome on window
 * for the Node driver (bench/chromium.ts).
 * ?kind=ours|peer&preset=nano&backend=webgpu&json=<HarnessOptions or PeerOptions as JSON>
 * The peer is imported alone (it bundles its own tfjs).
 */
import type { HarnessOptions } from '../harness';
import type { PeerOptions } from '../peer';

type Outcome = { ok: true; result: unknown; adapter: unknown } | { ok: false; error: string };
declare global {
  interface Window {
    benchOutcome?: Outcome;
  }
}

async function adapterInfo(): Promise<unknown> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return null;
  const i = adapter.info;
  return { vendor: i.vendor, architecture: i.architecture, description: i.description };
}

/** The WASM backend's thread count, for the wasm rows. */
let wasmThreads: number | null = null;

async function run(): Promise<unknown> {
  const q = new URLSearchParams(location.search);
  const backend = q.get('backend') ?? 'cpu';
  const options = JSON.parse(q.get('json') ?? '{}');
  if (q.get('kind') === 'peer') {
    const { runPeer } = await import('../peer');
    return runPeer({ ...(options as PeerOptions), backend: backend as PeerOptions['backend'] });
  }
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm' || backend === 'wasm-1t') {
    // The app's own start (src/worker/browserBackend.ts): .wasm from this origin, threads where
    // cross-origin isolated; wasm-1t turns threads off, as a host without COOP/COEP would.
    const { selectBackend } = await import('../../src/worker/browserBackend');
    // The flag exists once tfjs-backend-wasm is imported (by browserBackend.ts).
    if (backend === 'wasm-1t') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const r = await selectBackend('wasm');
    if (r.backend !== 'wasm') throw new Error(`wasm did not start: ${r.fallbackReason}`);
    wasmThreads = r.threads;
  } else {
    if (backend === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) {
      throw new Error(`the ${backend} backend is unavailable in this browser`);
    }
  }
  await tf.ready();
  const { runHarness } = await import('../harness');
  const out = document.getElementById('out');
  return runHarness({
    ...(options as HarnessOptions),
    log: (line) => {
      if (out) out.textContent = line;
    },
  });
}

run().then(
  async (result) => {
    const adapter = await adapterInfo();
    window.benchOutcome = {
      ok: true,
      result: wasmThreads === null ? result : { ...(result as object), wasmThreads },
      adapter,
    };
  },
  (e: unknown) => {
    window.benchOutcome = { ok: false, error: e instanceof Error ? e.message : String(e) };
  },
);
