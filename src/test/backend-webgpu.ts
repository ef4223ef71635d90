// WebGPU in Node through Dawn (the `webgpu` package). With no GPU, Dawn is pointed at
// Chromium's SwiftShader Vulkan driver (see ../shared/docs/webgpu-here.md); with a GPU and a
// Vulkan driver, leave VK_ICD_FILENAMES unset and Dawn picks the GPU.
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, expect } from 'vitest';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
// Dawn's Vulkan loader complains on stderr without it.
process.env.XDG_RUNTIME_DIR ??= '/tmp';

beforeAll(async () => {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu: create([]) },
    configurable: true,
  });
  await import('@tensorflow/tfjs-backend-webgpu');
  const ok = await tf.setBackend('webgpu');
  if (!ok || tf.getBackend() !== 'webgpu') {
    throw new Error('WebGPU backend unavailable: install chromium (SwiftShader) or a GPU driver');
  }
  await tf.ready();
  // A WebGPU validation error (e.g. too many buffers for one shader) otherwise only prints
  // to stderr while the op returns garbage: fail the test that caused it.
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  device.onuncapturederror = (ev) => {
    gpuErrors.push(ev.error.message);
  };
});

const gpuErrors: string[] = [];

afterEach(() => {
  const errors = gpuErrors.splice(0);
  expect(errors, 'WebGPU validation errors').toEqual([]);
});
