import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash, estimateBytes, formatBytes, sha256Hex } from './bytes';
import { isQuotaError } from './errors';

describe('estimateBytes', () => {
  it('counts typed arrays by byte length and the rest as JSON text', () => {
    expect(estimateBytes({ a: 'xy', n: [1, 2] })).toBe('{"a":"xy","n":[1,2]}'.length);
    // {"w":0} is 7 characters, plus 4 × 4 bytes of floats.
    expect(estimateBytes({ w: new Float32Array(4) })).toBe(7 + 16);
    expect(estimateBytes({ w: { shape: [2], data: new Float64Array(2) } })).toBe(
      '{"w":{"shape":[2],"data":0}}'.length + 16,
    );
    expect(estimateBytes(undefined)).toBe(0);
  });
});

describe('content hashes', () => {
  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it('is SHA-256 (FIPS 180-2 test vector "abc")', async () => {
    expect(await sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('gives equal data equal ids and different data different ids', async () => {
    const h = await contentHash({ x: 1, y: [2, 3] });
    expect(await contentHash({ y: [2, 3], x: 1 })).toBe(h);
    expect(await contentHash({ x: 1, y: [3, 2] })).not.toBe(h);
  });
});

describe('formatBytes', () => {
  it('uses decimal units with one decimal', () => {
    expect([0, 999, 1000, 1_234_567, 49_950_000, 3e9].map(formatBytes)).toEqual([
      '0 B',
      '999 B',
      '1.0 kB',
      '1.2 MB',
      '50.0 MB',
      '3.0 GB',
    ]);
  });
});

describe('isQuotaError', () => {
  it('accepts QuotaExceededError from the request or from the aborted transaction', () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    const abort = new DOMException('aborted', 'AbortError');
    expect(isQuotaError(quota)).toBe(true);
    expect(isQuotaError(abort, quota)).toBe(true);
    expect(isQuotaError(abort, null)).toBe(false);
    expect(isQuotaError(new Error('x'))).toBe(false);
  });
});
