import { describe, expect, it } from 'vitest';
import {
  type AdapterFacts,
  type MachineFacts,
  passedOver,
  planBackends,
  softwareAdapter,
  wasmThreadCount,
  whyNotWebGPU,
} from './backendChoice';

const hardware: AdapterFacts = {
  isFallbackAdapter: false,
  vendor: 'nvidia',
  architecture: 'ampere',
  device: '',
  description: 'NVIDIA GeForce RTX 3060',
};
const swiftshader: AdapterFacts = {
  ...hardware,
  vendor: 'google',
  architecture: 'swiftshader',
  description: '',
};
const machine = (o: Partial<MachineFacts> = {}): MachineFacts => ({
  secureContext: true,
  hasWebGPU: true,
  adapter: hardware,
  crossOriginIsolated: true,
  cores: 8,
  ...o,
});

describe('softwareAdapter', () => {
  it.each([
    [{ architecture: 'swiftshader' }, 'SwiftShader'],
    [{ description: 'llvmpipe (LLVM 15.0.7, 256 bits)' }, 'llvmpipe'],
    [{ device: 'Lavapipe' }, 'lavapipe'],
    [{ description: 'Microsoft Basic Render Driver' }, 'Microsoft Basic Render Driver'],
    [{ isFallbackAdapter: true }, 'a fallback adapter'],
    [{}, null],
    [{ vendor: 'apple', architecture: 'metal-3' }, null],
  ])('%o → %s', (patch, name) => {
    expect(softwareAdapter({ ...hardware, ...patch })).toBe(name);
  });
});

describe('planBackends', () => {
  it('takes WebGPU first on a hardware adapter, then WASM, WebGL, CPU', () => {
    const plan = planBackends(machine());
    expect(plan.order).toEqual(['webgpu', 'wasm', 'webgl', 'cpu']);
    expect(plan.ruledOut).toEqual([]);
    expect(whyNotWebGPU(machine())).toBeNull();
  });

  it('passes WebGPU over on SwiftShader for WASM, and says why', () => {
    const plan = planBackends(machine({ adapter: swiftshader, cores: 2 }));
    expect(plan.order).toEqual(['wasm', 'webgl', 'cpu']);
    expect(plan.ruledOut).toEqual([
      {
        backend: 'webgpu',
        reason:
          'SwiftShader is a software adapter: it emulates the GPU on the CPU, slower than WASM',
      },
    ]);
    expect(plan.wasmThreads).toEqual({ count: 2, reason: null });
    expect(passedOver(plan, 'wasm', [])).toEqual([
      plan.ruledOut[0],
      { backend: 'webgl', reason: 'ranks below WASM' },
      { backend: 'cpu', reason: 'ranks below WASM' },
    ]);
  });

  it('passes WebGPU over when it is missing, adapter-less or outside a secure context', () => {
    const reason = (o: Partial<MachineFacts>) => planBackends(machine(o)).ruledOut[0]?.reason;
    expect(reason({ hasWebGPU: false, adapter: null })).toMatch(/navigator\.gpu is missing/);
    expect(reason({ adapter: null })).toMatch(/found no adapter/);
    expect(reason({ secureContext: false })).toMatch(/secure context/);
    expect(planBackends(machine({ adapter: null })).order).toEqual(['wasm', 'webgl', 'cpu']);
  });

  it('tries a forced backend first, software adapter or not, with the automatic order after', () => {
    const soft = machine({ adapter: swiftshader });
    expect(planBackends(soft, 'webgpu')).toMatchObject({
      order: ['webgpu', 'wasm', 'webgl', 'cpu'],
      ruledOut: [],
    });
    expect(planBackends(soft, 'cpu').order).toEqual(['cpu', 'wasm', 'webgl']);
    expect(planBackends(machine(), 'webgl').order).toEqual(['webgl', 'webgpu', 'wasm', 'cpu']);
    // Forced WebGPU without an adapter cannot be tried: the automatic order goes on.
    const none = planBackends(machine({ adapter: null }), 'webgpu');
    expect(none.order).toEqual(['wasm', 'webgl', 'cpu']);
    expect(none.ruledOut.map((p) => p.backend)).toEqual(['webgpu']);
  });

  it('names what a forced backend passed over, failures included', () => {
    const plan = planBackends(machine({ adapter: swiftshader }), 'webgl');
    const failed = [{ backend: 'webgl' as const, reason: 'failed to start' }];
    expect(passedOver(plan, 'webgl', [])).toEqual([
      plan.ruledOut[0],
      { backend: 'wasm', reason: 'not asked for (?backend=webgl)' },
      { backend: 'cpu', reason: 'not asked for (?backend=webgl)' },
    ]);
    expect(passedOver(plan, 'wasm', failed)[1]).toEqual(failed[0]);
  });

  it('runs WASM on one thread without cross-origin isolation', () => {
    const plan = planBackends(machine({ crossOriginIsolated: false }));
    expect(plan.wasmThreads.count).toBe(1);
    expect(plan.wasmThreads.reason).toMatch(/not cross-origin isolated/);
  });
});

describe('wasmThreadCount', () => {
  it('is half the logical cores, at least 2 where there are 2', () => {
    expect([1, 2, 3, 4, 8, 16, 0, Number.NaN].map(wasmThreadCount)).toEqual([
      1, 2, 2, 2, 4, 8, 1, 1,
    ]);
  });
});
