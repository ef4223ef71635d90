/**
 * Backend choice inside the worker: webgpu → webgl → cpu, recording why each was skipped; and
 * what a lost GPU device needs: a watch on `device.lost`, a fresh device, a test hook.
 */
import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { AdapterInfo, BackendName } from './protocol';

export const BACKEND_ORDER: BackendName[] = ['webgpu', 'webgl', 'cpu'];

export async function adapterInfo(): Promise<AdapterInfo | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  const i = adapter.info;
  // GPUAdapterInfo's fields are getters: copy them so the object survives postMessage.
  return {
    vendor: i.vendor,
    architecture: i.architecture,
    device: i.device,
    description: i.description,
  };
}

async function whyNotWebGPU(): Promise<string | null> {
  if (!globalThis.isSecureContext) return 'WebGPU needs a secure context (https or localhost)';
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
  if (!(await gpu.requestAdapter())) return 'WebGPU found no adapter (GPU blocklisted or absent)';
  return null;
}

export async function selectBackend(
  order: BackendName[] = BACKEND_ORDER,
): Promise<{ backend: BackendName; fallbackReason: string | null }> {
  const reasons: string[] = [];
  for (const name of order) {
    if (name === 'webgpu') {
      const why = await whyNotWebGPU();
      if (why) {
        reasons.push(why);
        continue;
      }
    }
    try {
      if ((await tf.setBackend(name)) && tf.getBackend() === name) {
        await tf.ready();
        return { backend: name, fallbackReason: reasons.length ? reasons.join('; ') : null };
      }
      reasons.push(`${name} failed to initialise`);
    } catch (e) {
      reasons.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new Error(`no tfjs backend could start: ${reasons.join('; ')}`);
}

/** The GPUDevice tfjs-webgpu computes on, or null on another backend. */
export function webgpuDevice(): GPUDevice | null {
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
 * again with a fresh device, and selects webgpu → webgl → cpu as at start.
 */
export async function reinitialiseBackend(): Promise<{
  backend: BackendName;
  fallbackReason: string | null;
}> {
  try {
    tf.removeBackend('webgpu');
  } catch {
    // Not registered (no WebGPU in this browser): nothing to drop.
  }
  if (globalThis.navigator?.gpu) tf.registerBackend('webgpu', freshWebGPUBackend, 3);
  return selectBackend(BACKEND_ORDER);
}
