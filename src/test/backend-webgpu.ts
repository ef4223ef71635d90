// WebGPU in Node through Dawn (src/node/backend.ts), on Chromium's SwiftShader Vulkan driver
// wherever it is installed (see ../shared/docs/webgpu-here.md); to test on a GPU, set
// VK_ICD_FILENAMES to its Vulkan driver.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, expect } from 'vitest';
import { installDawn } from '../node/backend';

beforeAll(async () => {
  await installDawn('first');
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
