/**
 * tfjs backends in Node, for the tests, the bench and the frontier script (never imported by
 * the app): cpu, wasm (tfjs-backend-wasm) and webgpu through Dawn (the `webgpu` package). With
 * no GPU, Dawn is pointed at Chromium's SwiftShader Vulkan driver (see
 * ../shared/docs/webgpu-here.md).
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let installed: Promise<GPUAdapterInfo | null> | undefined;

/**
 * Makes Dawn `navigator.gpu` (once per process) without loading a tfjs backend; the adapter's
 * info, or null when there is none. `swiftShader: 'first'` (the unit tests: the same device on
 * every machine) uses SwiftShader whenever it is installed; 'fallback' only when Dawn finds
 * no adapter. A VK_ICD_FILENAMES already set is left alone.
 */
export function installDawn(
  swiftShader: 'first' | 'fallback' = 'fallback',
): Promise<GPUAdapterInfo | null> {
  installed ??= (async () => {
    // Dawn's Vulkan loader complains on stderr without it.
    process.env.XDG_RUNTIME_DIR ??= '/tmp';
    const pointAtSwiftShader = () => {
      if (process.env.VK_ICD_FILENAMES || !existsSync(SWIFTSHADER_ICD)) return false;
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
      return true;
    };
    if (swiftShader === 'first') pointAtSwiftShader();
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    let gpu = create([]);
    let adapter = await gpu.requestAdapter();
    if (!adapter && pointAtSwiftShader()) {
      gpu = create([]);
      adapter = await gpu.requestAdapter();
    }
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
    return adapter ? adapter.info : null;
  })();
  return installed;
}

/** Switches tfjs to `name` (cpu, wasm or webgpu); throws an Error saying why it is unavailable. */
export async function selectNodeBackend(name: string): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else if (name === 'webgpu') {
    if (!(await installDawn())) throw new Error('no WebGPU adapter (Dawn found none)');
    await import('@tensorflow/tfjs-backend-webgpu');
  } else if (name !== 'cpu') throw new Error(`unknown backend "${name}"`);
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) {
    throw new Error(`the ${name} backend failed to initialise`);
  }
  await tf.ready();
}
