import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitsOf, floatsFromBits, rawSafetensors, u16Bytes } from '../../test/safetensors';
import {
  decodeTensor,
  halfToFloatBits,
  readSafetensors,
  readSafetensorsHeader,
  writeSafetensors,
} from './safetensors';

const f32 = (shape: number[], offsets: [number, number]) => ({
  dtype: 'F32',
  shape,
  data_offsets: offsets,
});

describe('writeSafetensors', () => {
  it('lays out length, space-padded JSON header and data as the spec says', () => {
    const file = writeSafetensors(
      [{ name: 'a', dtype: 'F32', shape: [2], data: Float32Array.of(1, -2) }],
      { format: 'pt' },
    );
    // The header JSON is 85 bytes; padded to 88 so the data starts at byte 96.
    expect(file.length).toBe(8 + 88 + 8);
    expect(new DataView(file.buffer).getBigUint64(0, true)).toBe(88n);
    const header = new TextDecoder().decode(file.subarray(8, 96));
    expect(header).toBe(
      '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}   ',
    );
    // 1.0f = 0x3f800000, -2.0f = 0xc0000000, little-endian.
    expect(Array.from(file.subarray(96))).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
  });

  it('keeps names that are Object.prototype keys (__proto__, toString)', () => {
    const file = writeSafetensors([
      { name: '__proto__', dtype: 'F32', shape: [1], data: Float32Array.of(1) },
      { name: 'toString', dtype: 'F32', shape: [1], data: Float32Array.of(2) },
    ]);
    const { tensors } = readSafetensors(file);
    expect([...tensors.keys()]).toEqual(['__proto__', 'toString']);
    expect(Array.from(tensors.get('toString')?.data ?? [])).toEqual([2]);
  });

  it('refuses data that does not fill the shape, and duplicate names', () => {
    const data = Float32Array.of(1, 2, 3);
    expect(() => writeSafetensors([{ name: 'x', dtype: 'F32', shape: [2, 2], data }])).toThrow(
      'safetensors: tensor x has shape [2,2] but 3 values',
    );
    const t = { name: 'x', dtype: 'F32' as const, shape: [3], data };
    expect(() => writeSafetensors([t, t])).toThrow('safetensors: duplicate tensor name x');
  });
});

describe('readSafetensors', () => {
  it('reads a Node Buffer that is a view into a larger pool (byteOffset ≠ 0)', () => {
    const data = Float32Array.of(1.5, -2.25, 3);
    const file = writeSafetensors([{ name: 'w', dtype: 'F32', shape: [3], data }]);
    // Buffer#slice is a view, not a copy: decoding must not read the pool from its start.
    const pool = Buffer.alloc(file.length + 13, 0xff);
    pool.set(file, 13);
    const view = pool.subarray(13);
    expect(view.byteOffset).toBe(13);
    expect(Array.from(readSafetensors(view).tensors.get('w')?.data ?? [])).toEqual([1.5, -2.25, 3]);
  });

  it('round-trips bit-exactly: NaN payloads, −0, denormals, ±Inf, extremes', () => {
    const bits = [
      0x7fc00000, // quiet NaN
      0x7fc12345, // NaN with payload
      0xffa00001, // negative NaN with payload
      0x80000000, // −0
      0x00000001, // smallest denormal
      0x807fffff, // largest negative denormal
      0x7f800000, // +Inf
      0xff800000, // −Inf
      0x7f7fffff, // max float
      0x3eaaaaab, // ≈ 1/3
    ];
    const data = floatsFromBits(bits);
    const file = writeSafetensors(
      [
        { name: 'odd', dtype: 'F32', shape: [2, 5], data },
        { name: 'scalar', dtype: 'F32', shape: [], data: Float32Array.of(7) },
        { name: 'empty', dtype: 'F32', shape: [0, 3], data: new Float32Array() },
      ],
      { note: 'ünïcode' },
    );
    const { tensors, metadata } = readSafetensors(file);
    expect(metadata).toEqual({ note: 'ünïcode' });
    expect([...tensors.keys()]).toEqual(['odd', 'scalar', 'empty']);
    expect(tensors.get('odd')?.shape).toEqual([2, 5]);
    expect(bitsOf(tensors.get('odd')?.data ?? new Float32Array())).toEqual(bits);
    expect(Array.from(tensors.get('scalar')?.data ?? [])).toEqual([7]);
    expect(tensors.get('empty')?.data.length).toBe(0);
  });

  it('round-trips any float32 bit pattern (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 40 }), (bits) => {
        const data = floatsFromBits(bits);
        const file = writeSafetensors([{ name: 't', dtype: 'F32', shape: [bits.length], data }]);
        const back = readSafetensors(file).tensors.get('t')?.data ?? new Float32Array(1);
        expect(bitsOf(back)).toEqual(bits);
      }),
    );
  });

  it('decodes hand-made F16 values exactly', () => {
    const halves = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x8000, 0x3555, 0x7c00, 0xfc00];
    const expected = [
      1,
      -2,
      65504, // largest half
      2 ** -24, // smallest subnormal
      1023 * 2 ** -24, // largest subnormal
      2 ** -14, // smallest normal
      -0,
      0.333251953125, // nearest half to 1/3
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ];
    const file = rawSafetensors(
      { h: { dtype: 'F16', shape: [halves.length], data_offsets: [0, 2 * halves.length] } },
      u16Bytes(halves),
    );
    const t = readSafetensors(file).tensors.get('h');
    expect(t?.dtype).toBe('F16');
    expect(Array.from(t?.data ?? [])).toEqual(expected);
    expect(Object.is(t?.data[6], -0)).toBe(true);
    // NaN keeps its payload: 0x7e01 → 0x7fc02000.
    expect(halfToFloatBits(0x7e01)).toBe(0x7fc02000);
  });

  it('decodes hand-made BF16 values exactly', () => {
    const bf = [0x3f80, 0xc040, 0x4049, 0x0001, 0x8000, 0x7f80, 0xff80];
    const expected = [1, -3, 3.140625, 2 ** -133, -0, Number.POSITIVE_INFINITY, -Infinity];
    const file = rawSafetensors(
      { b: { dtype: 'BF16', shape: [1, bf.length], data_offsets: [0, 2 * bf.length] } },
      u16Bytes(bf),
    );
    const t = readSafetensors(file).tensors.get('b');
    expect(t?.shape).toEqual([1, 7]);
    expect(Array.from(t?.data ?? [])).toEqual(expected);
  });

  it('reads headers with other dtypes but refuses to decode them', () => {
    const file = rawSafetensors(
      { ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } },
      new Uint8Array(16),
    );
    const { entries } = readSafetensorsHeader(file);
    expect(entries).toEqual([
      { name: 'ids', dtype: 'I64', shape: [2], begin: 8 + 57, end: 8 + 57 + 16 },
    ]);
    const [ids] = entries;
    if (!ids) throw new Error('no entry');
    expect(() => decodeTensor(file, ids)).toThrow(
      'safetensors: tensor ids has dtype I64; only F32, F16 and BF16 can be read',
    );
    expect(() => readSafetensors(file)).toThrow('only F32, F16 and BF16 can be read');
  });
});

describe('readSafetensors on malformed files', () => {
  const lengthOnly = (n: bigint, extra = 0) => {
    const out = new Uint8Array(8 + extra);
    new DataView(out.buffer).setBigUint64(0, n, true);
    return out;
  };
  const cases: [string, Uint8Array, string][] = [
    [
      'shorter than the length prefix',
      new Uint8Array(5),
      'safetensors: file is 5 bytes, too short for the 8-byte header length',
    ],
    [
      'header length beyond the file',
      lengthOnly(100n, 12),
      'safetensors: header length 100 runs past the end of the 20-byte file',
    ],
    [
      'header over 100 MB',
      lengthOnly(100_000_001n),
      'safetensors: header length 100000001 is over the 100000000-byte limit',
    ],
    [
      'header length near 2^64',
      lengthOnly(0xffffffffffffffffn),
      'safetensors: header length 18446744073709551615 is over the 100000000-byte limit',
    ],
    [
      'header not JSON',
      rawSafetensors({ a: 1 }).fill(0x7b, 8),
      'safetensors: header is not valid UTF-8 JSON',
    ],
    ['header not an object', rawSafetensors([1, 2]), 'safetensors: header is not a JSON object'],
    [
      'offsets past the data',
      rawSafetensors({ a: f32([3], [0, 12]) }, new Uint8Array(8)),
      'safetensors: tensor a data_offsets [0, 12] are outside the 8-byte data',
    ],
    [
      'offsets reversed',
      rawSafetensors({ a: f32([0], [8, 4]) }, new Uint8Array(8)),
      'safetensors: tensor a data_offsets [8, 4] are outside the 8-byte data',
    ],
    [
      'overlapping tensors',
      rawSafetensors({ a: f32([2], [0, 8]), b: f32([2], [4, 12]) }, new Uint8Array(12)),
      'safetensors: tensors a and b overlap',
    ],
    [
      'shape × dtype ≠ byte length',
      rawSafetensors({ a: f32([3], [0, 8]) }, new Uint8Array(8)),
      'safetensors: tensor a of shape [3] and dtype F32 needs 12 bytes, data_offsets give 8',
    ],
    [
      'unknown dtype',
      rawSafetensors({ a: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }),
      'safetensors: tensor a has unknown dtype "F128"',
    ],
    [
      'negative dimension',
      rawSafetensors({ a: f32([-1], [0, 0]) }),
      'safetensors: tensor a has no valid shape (an array of non-negative integers)',
    ],
    [
      'missing data_offsets',
      rawSafetensors({ a: { dtype: 'F32', shape: [1] } }),
      'safetensors: tensor a has no valid data_offsets [begin, end]',
    ],
    [
      'metadata value not a string',
      rawSafetensors({ __metadata__: { step: 3 } }),
      'safetensors: __metadata__.step must be a string',
    ],
  ];
  for (const [what, file, message] of cases) {
    it(what, () => {
      expect(() => readSafetensors(file)).toThrow(new Error(message));
    });
  }

  it('random corruption of a valid file gives a safetensors Error or a valid read, never a crash', () => {
    const good = writeSafetensors([
      { name: 'w', dtype: 'F32', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) },
      { name: 'b', dtype: 'F32', shape: [3], data: Float32Array.of(7, 8, 9) },
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(good.length),
        (edits, cut) => {
          const bad = good.slice(0, Math.max(cut, good.length - 4));
          for (const [at, value] of edits) if (at < bad.length) bad[at] = value;
          try {
            const { tensors } = readSafetensors(bad);
            for (const t of tensors.values()) {
              expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
            }
          } catch (e) {
            expect(e).toBeInstanceOf(Error);
            expect((e as Error).message).toMatch(/^safetensors: /);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
