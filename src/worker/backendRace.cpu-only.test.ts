import { describe, expect, it } from 'vitest';
import { passedOverText } from '../ui/BackendBadge';
import type { AdapterFacts } from './backendChoice';
import {
  loserPass,
  measurementKey,
  orderAfterRace,
  pickFaster,
  raceBackends,
  rememberedFor,
} from './backendRace';

const laptop: AdapterFacts = {
  isFallbackAdapter: false,
  vendor: 'intel',
  architecture: 'gen-12lp',
  device: '',
  description: 'Intel Iris Xe',
};

/** A fake backend pair: each starts (or not) and takes the given times. */
function fakes(times: Record<'webgpu' | 'wasm', [number, number] | 'no-start' | 'throws'>) {
  const started: string[] = [];
  return {
    started,
    start: async (b: 'webgpu' | 'wasm') => {
      started.push(b);
      return times[b] !== 'no-start';
    },
    time: async (b: 'webgpu' | 'wasm') => {
      const t = times[b];
      if (t === 'throws') throw new Error('device lost');
      if (t === 'no-start') throw new Error('unreachable');
      return { stepMs: t[0], sampleMs: t[1] };
    },
  };
}

describe('the backend race on a hardware GPU', () => {
  it('keeps WASM when the GPU is slower (a fake slow WebGPU), and says both times', async () => {
    const f = fakes({ webgpu: [120, 300], wasm: [45, 90] });
    const m = await raceBackends('k', f.start, f.time);
    expect(f.started).toEqual(['webgpu', 'wasm']);
    expect(m.winner).toBe('wasm');
    expect(orderAfterRace(['webgpu', 'wasm', 'webgl', 'cpu'], m)).toEqual([
      'wasm',
      'webgpu',
      'webgl',
      'cpu',
    ]);
    const pass = loserPass(m);
    expect(pass.backend).toBe('webgpu');
    expect(pass.reason).toBe(
      'slower here than WASM (measured on this GPU: WebGPU 120 ms a step + 300 ms sampling; WASM 45 ms a step + 90 ms sampling)',
    );
  });

  it('keeps WebGPU when it is faster, and when WASM fails', async () => {
    expect((await raceBackends('k', ...pair({ webgpu: [10, 20], wasm: [45, 90] }))).winner).toBe(
      'webgpu',
    );
    expect((await raceBackends('k', ...pair({ webgpu: [200, 200], wasm: 'throws' }))).winner).toBe(
      'webgpu',
    );
    expect((await raceBackends('k', ...pair({ webgpu: 'no-start', wasm: [45, 90] }))).winner).toBe(
      'wasm',
    );
  });

  it('a tie or an untimed WASM goes to WebGPU', () => {
    expect(
      pickFaster([
        { backend: 'webgpu', stepMs: 10, sampleMs: 10 },
        { backend: 'wasm', stepMs: 5, sampleMs: 15 },
      ]),
    ).toBe('webgpu');
    expect(pickFaster([{ backend: 'webgpu', stepMs: 10, sampleMs: 10 }])).toBe('webgpu');
  });

  it('remembers a verdict per adapter, app build and browser version', () => {
    const key = measurementKey(laptop, '/assets/worker-abc.js', 'Chrome/131');
    const m = { key, winner: 'wasm' as const, timings: [] };
    expect(rememberedFor(m, key)).toBe(m);
    expect(
      rememberedFor(m, measurementKey(laptop, '/assets/worker-def.js', 'Chrome/131')),
    ).toBeNull();
    expect(
      rememberedFor(m, measurementKey(laptop, '/assets/worker-abc.js', 'Chrome/132')),
    ).toBeNull();
    const other = { ...laptop, description: 'NVIDIA RTX 4060' };
    expect(
      rememberedFor(m, measurementKey(other, '/assets/worker-abc.js', 'Chrome/131')),
    ).toBeNull();
    expect(rememberedFor(null, key)).toBeNull();
  });

  it('the badge shows both times in its reasons', async () => {
    const m = await raceBackends('k', ...pair({ webgpu: [120, 300], wasm: [45, 90] }));
    const text = passedOverText({
      backend: 'wasm',
      adapter: null,
      requested: 'auto',
      threads: 2,
      crossOriginIsolated: true,
      passedOver: [loserPass(m), { backend: 'webgl', reason: 'ranks below WASM' }],
      fallbackReason: null,
      measurement: m,
    });
    expect(text).toContain('WebGPU passed over: slower here than WASM');
    expect(text).toContain('WebGPU 120 ms a step + 300 ms sampling; WASM 45 ms a step');
  });
});

function pair(times: Parameters<typeof fakes>[0]) {
  const f = fakes(times);
  return [f.start, f.time] as const;
}
