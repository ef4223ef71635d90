import { describe, expect, it } from 'vitest';
import { loadBackendRace, saveBackendRace } from './backendMemory';

/** A Map-backed Storage; `full` makes setItem throw as a full quota does. */
function storage(full = false): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => {
      if (full) throw new DOMException('quota', 'QuotaExceededError');
      m.set(k, v);
    },
  };
}

describe('the remembered backend race', () => {
  const m = {
    key: 'intel|gen-12lp||Iris|/w.js|Chrome/131',
    winner: 'wasm' as const,
    timings: [
      { backend: 'webgpu' as const, stepMs: 120, sampleMs: 300 },
      { backend: 'wasm' as const, stepMs: 45, sampleMs: 90 },
    ],
  };

  it('round-trips a verdict; junk or nothing reads as none', () => {
    const s = storage();
    expect(loadBackendRace(s)).toBeNull();
    saveBackendRace(m, s);
    expect(loadBackendRace(s)).toEqual(m);
    s.setItem('dpo-playground:backend-race', '{"key": 3}');
    expect(loadBackendRace(s)).toBeNull();
    s.setItem('dpo-playground:backend-race', 'not json');
    expect(loadBackendRace(s)).toBeNull();
  });

  it('a full or missing storage only means racing again', () => {
    expect(() => saveBackendRace(m, storage(true))).not.toThrow();
    expect(loadBackendRace(undefined)).toBeNull();
  });
});
