/** Backend choice inside the worker: webgpu → webgl → cpu, recording why each was skipped. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
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
