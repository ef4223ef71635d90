/**
 * tfjs backends in Node for the bench and the soak: cpu, wasm (tfjs-backend-wasm) and webgpu
 * (Dawn through the `webgpu` package; with no GPU, Chromium's SwiftShader driver, as
 * src/test/backend-webgpu.ts and shared/docs/webgpu-here.md).
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

export const NODE_BACKENDS = ['webgpu', 'cpu', 'wasm'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let dawnInstalled: Promise<GPUAdapterInfo | null> | undefined;

/**
 * Makes Dawn navigator.gpu (once) without loading a tfjs backend (the peer brings its own);
 * the adapter's info, or null when there is none.
 */
export function installDawn(): Promise<GPUAdapterInfo | null> {
  dawnInstalled ??= (async () => {
    process.env.XDG_RUNTIME_DIR ??= '/tmp';
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    let gpu = create([]);
    let adapter = await gpu.requestAdapter();
    if (!adapter && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
      gpu = create([]);
      adapter = await gpu.requestAdapter();
    }
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
    return adapter ? adapter.info : null;
  })();
  return dawnInstalled;
}

async function installWebGpu(): Promise<GPUAdapterInfo | null> {
  const info = await installDawn();
  await import('@tensorflow/tfjs-backend-webgpu');
  return info;
}

/** Switches tfjs to `name`; throws an Error saying why when it is unavailable. */
export async function selectNodeBackend(name: string): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else if (name === 'webgpu') {
    if (!(await installWebGpu())) throw new Error('no WebGPU adapter (Dawn found none)');
  } else if (name !== 'cpu') throw new Error(`unknown backend "${name}"`);
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) {
    throw new Error(`the ${name} backend failed to initialise`);
  }
  await tf.ready();
}

/** The WebGPU adapter's vendor/architecture/description in Node, or null. */
export async function nodeAdapterInfo(): Promise<Record<string, string> | null> {
  try {
    const info = await installDawn();
    if (!info) return null;
    return {
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
    };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
