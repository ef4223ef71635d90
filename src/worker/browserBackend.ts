/**
 * Backend choice inside the worker, by what the machine is (backendChoice.ts): WebGPU on a
 * hardware adapter, else WASM (threaded where cross-origin isolated), then WebGL, then CPU;
 * and what a lost GPU device needs: a watch on `device.lost`, a fresh device, a test hook.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { generate, plainSampling } from '../model/generate';
import { GPT } from '../model/gpt';
import { SHIPPED_MODELS } from '../share/models';
import { type AdapterFacts, type MachineFacts, passedOver, planBackends } from './backendChoice';
import {
  type BackendMeasurement,
  loserPass,
  measurementKey,
  orderAfterRace,
  raceBackends,
  rememberedFor,
} from './backendRace';
import { timeTrainingStep } from './modelProbe';
import type {
  AdapterInfo,
  BackendChoice,
  BackendName,
  BackendPass,
  BackendReport,
} from './protocol';

// The .wasm binaries as hashed assets of this build, fetched from the app's own origin.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/** GPUAdapter.isFallbackAdapter moved to GPUAdapterInfo; either may be there. */
type MaybeFallback = { isFallbackAdapter?: boolean };

async function requestAdapterFacts(): Promise<AdapterFacts | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  const i = adapter.info;
  // GPUAdapterInfo's fields are getters: copy them so the object survives postMessage.
  return {
    isFallbackAdapter: !!(
      (adapter as unknown as MaybeFallback).isFallbackAdapter ||
      (i as unknown as MaybeFallback).isFallbackAdapter
    ),
    vendor: i.vendor,
    architecture: i.architecture,
    device: i.device,
    description: i.description,
  };
}

const toAdapterInfo = (a: AdapterFacts | null): AdapterInfo | null =>
  a && {
    vendor: a.vendor,
    architecture: a.architecture,
    device: a.device,
    description: a.description,
  };

async function machineFacts(): Promise<MachineFacts> {
  const hasWebGPU = !!(globalThis.navigator as Navigator | undefined)?.gpu;
  return {
    secureContext: !!globalThis.isSecureContext,
    hasWebGPU,
    adapter: globalThis.isSecureContext && hasWebGPU ? await requestAdapterFacts() : null,
    crossOriginIsolated: !!globalThis.crossOriginIsolated,
    cores: globalThis.navigator?.hardwareConcurrency ?? 1,
  };
}

/**
 * tfjs-backend-wasm caps its thread pool at half of navigator.hardwareConcurrency, read when
 * the module starts (backend.cc: min(requested, 8, cores / 2)): one thread on a 2-core
 * machine, whatever setThreadsCount says. The worker's navigator shows `cores` while the
 * module starts, then its own value again.
 */
async function withLogicalCores<T>(cores: number, start: () => Promise<T>): Promise<T> {
  const nav = globalThis.navigator as Navigator | undefined;
  if (!nav || cores <= nav.hardwareConcurrency) return start();
  Object.defineProperty(nav, 'hardwareConcurrency', { value: cores, configurable: true });
  try {
    return await start();
  } finally {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

/**
 * Why a backend did not start: tfjs's setBackend only logs it and returns false, so the
 * factory runs once more here, on the failure path only, to catch the error for the badge.
 */
async function startError(name: string): Promise<string> {
  try {
    await tf.findBackendFactory(name)?.();
    return '';
  } catch (e) {
    const m = e instanceof Error ? e.message : (e as { message?: string })?.message;
    return ` (${m ?? String(e)})`;
  }
}

/** Starts backend `name` (WASM with the plan's threads); true when it runs. */
async function startBackend(name: BackendName, wasmThreads: number): Promise<boolean> {
  const started =
    name === 'wasm'
      ? await withLogicalCores(2 * wasmThreads, () => tf.setBackend(name))
      : await tf.setBackend(name);
  return started && tf.getBackend() === name;
}

/**
 * Starts the first backend of the plan that will start; throws if none does. On a hardware
 * adapter with `auto`, WebGPU and WASM are raced first (or the remembered verdict for this
 * adapter, app and browser is used), and the faster leads the order.
 */
export async function selectBackend(
  requested: BackendChoice = 'auto',
  remembered: BackendMeasurement | null = null,
): Promise<BackendReport> {
  const facts = await machineFacts();
  const plan = planBackends(facts, requested);
  const failed: BackendPass[] = [];
  // Read once, when the wasm module starts; a later start (after a lost device) keeps it.
  setThreadsCount(plan.wasmThreads.count);
  let order = plan.order;
  let measurement: BackendMeasurement | null = null;
  // Software adapters are ruled out in the plan, so WebGPU first under 'auto' means hardware.
  if (requested === 'auto' && facts.adapter && order[0] === 'webgpu' && order.includes('wasm')) {
    const key = measurementKey(facts.adapter, globalThis.location?.pathname ?? '', ua());
    measurement =
      rememberedFor(remembered, key) ??
      (await raceBackends(key, (b) => startBackend(b, plan.wasmThreads.count), timeBackend));
    order = orderAfterRace(order, measurement);
  }
  for (const name of order) {
    try {
      const started = await startBackend(name, plan.wasmThreads.count);
      if (started) {
        await tf.ready();
        // The plan is no problem; a forced backend ruled out or anything failing is.
        const problems = [...plan.ruledOut.filter((p) => p.backend === requested), ...failed];
        return {
          backend: name,
          adapter: toAdapterInfo(facts.adapter),
          requested,
          threads: name === 'wasm' ? getThreadsCount() : null,
          crossOriginIsolated: facts.crossOriginIsolated,
          passedOver: passedOver(plan, name, failed).map((p) =>
            measurement && p.backend !== name && p.backend === loserPass(measurement).backend
              ? loserPass(measurement)
              : p,
          ),
          measurement,
          fallbackReason: problems.length
            ? problems.map((p) => `${p.backend}: ${p.reason}`).join('; ')
            : null,
        };
      }
      failed.push({ backend: name, reason: `failed to start${await startError(name)}` });
    } catch (e) {
      failed.push({
        backend: name,
        reason: `failed to start (${e instanceof Error ? e.message : String(e)})`,
      });
    }
  }
  const all = [...plan.ruledOut, ...failed].map((p) => `${p.backend}: ${p.reason}`);
  throw new Error(`no tfjs backend could start: ${all.join('; ')}`);
}

const ua = () => globalThis.navigator?.userAgent ?? '';

/** A nano training step and a sampling burst (16 prompts × 8 tokens) on the backend in use. */
async function timeBackend(): Promise<{ stepMs: number; sampleMs: number }> {
  const nano = SHIPPED_MODELS[0]?.config;
  if (!nano) throw new Error('no shipped model to time');
  const stepMs = await timeTrainingStep(nano, 2);
  const model = GPT.create(nano, 0);
  try {
    const prompts = Array.from({ length: 16 }, (_, i) => [0, 1 + (i % 7)]);
    const burst = () =>
      generate(
        model,
        prompts,
        plainSampling({ maxNewTokens: 8, temperature: 1, seed: 1, eotId: -1 }),
      );
    await burst(); // warm-up: kernel compilation
    const t0 = performance.now();
    await burst();
    return { stepMs, sampleMs: performance.now() - t0 };
  } finally {
    model.dispose();
  }
}

/** The GPUDevice tfjs-webgpu computes on, or null on another backend. */
function webgpuDevice(): GPUDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as WebGPUBackend).device;
}

/** Calls onLost once if the current WebGPU device is lost (a real loss or destroy()). */
export function watchDeviceLoss(onLost: (reason: string) => void): void {
  const device = webgpuDevice();
  if (!device) return;
  void device.lost.then((info) => onLost(info.message || info.reason || 'unknown reason'));
}

/** Test hook: destroys tfjs-webgpu's device, as a driver reset would. False on other backends. */
export function destroyDevice(): boolean {
  const device = webgpuDevice();
  device?.destroy();
  return !!device;
}

/** tfjs-backend-webgpu's own factory (base.ts), run again for a fresh device. */
async function freshWebGPUBackend(): Promise<WebGPUBackend> {
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('WebGPU found no adapter');
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  if (adapter.features.has('bgra8unorm-storage')) requiredFeatures.push('bgra8unorm-storage');
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  });
  return new WebGPUBackend(device, adapter.info);
}

/**
 * After a lost device (every tensor on it is gone): drops the 'webgpu' backend, registers it
 * again with a fresh device, and chooses as at start (the same `?backend=` request).
 */
export async function reinitialiseBackend(
  requested: BackendChoice = 'auto',
  remembered: BackendMeasurement | null = null,
): Promise<BackendReport> {
  try {
    tf.removeBackend('webgpu');
  } catch {
    // Not registered (no WebGPU in this browser): nothing to drop.
  }
  if (globalThis.navigator?.gpu) tf.registerBackend('webgpu', freshWebGPUBackend, 3);
  return selectBackend(requested, remembered);
}
