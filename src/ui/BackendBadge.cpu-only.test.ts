import { describe, expect, it } from 'vitest';
import type { BackendReport } from '../worker/protocol';
import { badgeText, passedOverText } from './BackendBadge';

const swiftshader = { vendor: 'google', architecture: 'swiftshader', device: '', description: '' };
const wasmHere: BackendReport = {
  backend: 'wasm',
  adapter: swiftshader,
  requested: 'auto',
  threads: 2,
  crossOriginIsolated: true,
  passedOver: [
    { backend: 'webgpu', reason: 'SwiftShader is a software adapter' },
    { backend: 'webgl', reason: 'ranks below WASM' },
    { backend: 'cpu', reason: 'ranks below WASM' },
  ],
  fallbackReason: null,
  measurement: null,
};

describe('the backend badge', () => {
  it('names WASM with its threads, and why WebGPU and the rest were passed over', () => {
    expect(badgeText(wasmHere)).toBe('WASM · 2 threads');
    expect(passedOverText(wasmHere)).toBe(
      'WebGPU passed over: SwiftShader is a software adapter; WebGL, CPU: ranks below WASM',
    );
  });

  it('says one thread, and why, without cross-origin isolation', () => {
    const e = { ...wasmHere, threads: 1, crossOriginIsolated: false };
    expect(badgeText(e)).toBe('WASM · 1 thread');
    expect(passedOverText(e)).toMatch(/one thread: the page is not cross-origin isolated/);
  });

  it('names the adapter on WebGPU and the URL option when forced', () => {
    const e: BackendReport = {
      ...wasmHere,
      backend: 'webgpu',
      requested: 'webgpu',
      threads: null,
      passedOver: [{ backend: 'wasm', reason: 'not asked for (?backend=webgpu)' }],
    };
    expect(badgeText(e)).toBe('WebGPU · google swiftshader · ?backend=webgpu');
  });
});
