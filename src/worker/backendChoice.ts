/**
 * Which tfjs backend to try first, from what the machine is (pure: no tfjs, no navigator).
 * WebGPU only on a hardware adapter: a software one (SwiftShader, llvmpipe, lavapipe,
 * Microsoft Basic Render) emulates the GPU on the CPU and is the slowest backend there is
 * (2,497 ms per nano step against 341 ms on WASM, bench 2026-11-27); then WASM (SIMD,
 * threaded where the page is cross-origin isolated), then WebGL, then plain-JS CPU.
 */
import { BACKEND_NAMES, type BackendChoice, type BackendName, type BackendPass } from './protocol';

/** What the worker can learn about the machine before starting any backend. */
export interface MachineFacts {
  secureContext: boolean;
  /** navigator.gpu exists. */
  hasWebGPU: boolean;
  /** The adapter requestAdapter() gave, or null for none. */
  adapter: AdapterFacts | null;
  /** SharedArrayBuffer is usable (COOP/COEP), so WASM can run threads. */
  crossOriginIsolated: boolean;
  /** navigator.hardwareConcurrency: logical cores. */
  cores: number;
}

export interface AdapterFacts {
  /** GPUAdapter.isFallbackAdapter (older Chromium) or GPUAdapterInfo.isFallbackAdapter. */
  isFallbackAdapter: boolean;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export interface BackendPlan {
  requested: BackendChoice;
  /** Backends to try, in order; the first that starts is used. */
  order: BackendName[];
  /** Backends ruled out before trying, with the reason. */
  ruledOut: BackendPass[];
  /** WASM's thread count (XNNPACK's pool, the calling thread included), and why 1 if it is. */
  wasmThreads: { count: number; reason: string | null };
}

/** The automatic order where every backend is usable: the protocol's list is in that order. */
const AUTO_ORDER: readonly BackendName[] = BACKEND_NAMES;

const BACKEND_LABEL: Readonly<Record<BackendName, string>> = {
  webgpu: 'WebGPU',
  wasm: 'WASM',
  webgl: 'WebGL',
  cpu: 'CPU',
};

/** Names in adapter info that mean the GPU is emulated on the CPU. */
const SOFTWARE_ADAPTERS: readonly [RegExp, string][] = [
  [/swiftshader/i, 'SwiftShader'],
  [/llvmpipe/i, 'llvmpipe'],
  [/lavapipe/i, 'lavapipe'],
  [/microsoft basic render/i, 'Microsoft Basic Render Driver'],
];

/** The software renderer an adapter is, or null for a hardware adapter. */
export function softwareAdapter(a: AdapterFacts): string | null {
  const text = [a.vendor, a.architecture, a.device, a.description].join(' ');
  for (const [pattern, name] of SOFTWARE_ADAPTERS) if (pattern.test(text)) return name;
  return a.isFallbackAdapter ? 'a fallback adapter' : null;
}

/** Why WebGPU cannot or should not be used automatically; null for a hardware adapter. */
export function whyNotWebGPU(f: MachineFacts): string | null {
  if (!f.secureContext) return 'WebGPU needs a secure context (https or localhost)';
  if (!f.hasWebGPU) return 'this browser has no WebGPU (navigator.gpu is missing)';
  if (!f.adapter) return 'WebGPU found no adapter (GPU blocklisted or absent)';
  const sw = softwareAdapter(f.adapter);
  return sw
    ? `${sw} is a software adapter: it emulates the GPU on the CPU, slower than WASM`
    : null;
}

/**
 * The order to try backends in. 'auto' drops WebGPU on a software or missing adapter; a
 * forced choice goes first whatever the adapter (so `?backend=webgpu` tests SwiftShader), and
 * the automatic order follows in case it fails to start.
 */
export function planBackends(f: MachineFacts, requested: BackendChoice = 'auto'): BackendPlan {
  const ruledOut: BackendPass[] = [];
  const usable = (b: BackendName) => {
    if (b !== 'webgpu') return true;
    const why = whyNotWebGPU(f);
    // A forced WebGPU on a software adapter is still tried; without an adapter it cannot be.
    if (why && !(requested === 'webgpu' && f.hasWebGPU && f.adapter && f.secureContext)) {
      ruledOut.push({ backend: b, reason: why });
      return false;
    }
    return true;
  };
  const first = requested === 'auto' ? [] : [requested];
  const order = [...first, ...AUTO_ORDER.filter((b) => b !== requested)].filter(usable);
  const wasmThreads = f.crossOriginIsolated
    ? { count: wasmThreadCount(f.cores), reason: f.cores < 2 ? 'one logical core' : null }
    : {
        count: 1,
        reason:
          'the page is not cross-origin isolated (COOP/COEP headers), so WASM runs one thread',
      };
  return { requested, order, ruledOut, wasmThreads };
}

/**
 * tfjs-backend-wasm's own default is half the logical cores (one per physical core under SMT),
 * which on a 2-core machine is one thread: no parallelism at all. Half, but at least 2.
 */
export function wasmThreadCount(cores: number): number {
  const n = Math.floor(Number.isFinite(cores) ? cores : 1);
  return n < 2 ? 1 : Math.max(2, Math.floor(n / 2));
}

/**
 * Every backend other than `chosen`, with why it was not used: ruled out or failed (in
 * `passed`), or not tried because `chosen` ranks above it.
 */
export function passedOver(
  plan: BackendPlan,
  chosen: BackendName,
  failed: readonly BackendPass[],
): BackendPass[] {
  const known = [...plan.ruledOut, ...failed];
  const notTried =
    plan.requested === chosen
      ? `not asked for (?backend=${chosen})`
      : `ranks below ${BACKEND_LABEL[chosen]}`;
  return AUTO_ORDER.filter((b) => b !== chosen).map(
    (b) => known.find((p) => p.backend === b) ?? { backend: b, reason: notTried },
  );
}
