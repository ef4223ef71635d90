/**
 * The safetensors format (huggingface/safetensors), hand-written:
 *   [u64 little-endian N][N bytes of JSON header, space-padded][data]
 * header: {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}},
 * offsets relative to the start of the data, tensors row-major little-endian.
 * Writes F32; reads F32, F16 and BF16 as float32 and refuses other dtypes.
 */
import { previewValue } from '../../util/preview';

type SafetensorsDtype =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'F8_E5M2'
  | 'F8_E4M3'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'U32'
  | 'F32'
  | 'F64'
  | 'I64'
  | 'U64';

const DTYPE_BYTES: Record<SafetensorsDtype, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** The reference implementation's limit; a longer header is malformed or hostile. */
const MAX_HEADER_BYTES = 100_000_000;

export interface TensorToWrite {
  name: string;
  dtype: 'F32';
  shape: number[];
  data: Float32Array;
}

/** One header entry; begin/end are absolute byte offsets into the file. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** In header order. */
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
}

export interface DecodedTensor {
  /** The dtype in the file; data is float32 whatever it was. */
  dtype: 'F32' | 'F16' | 'BF16';
  shape: number[];
  data: Float32Array;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function fail(message: string): never {
  throw new Error(`safetensors: ${message}`);
}

/** A tensor or metadata name for a message: a hostile header may hold megabyte-long ones. */
export const nameText = (name: string) => (name.length > 60 ? `${name.slice(0, 60)}…` : name);

/** A shape for a message, its first 8 dimensions at most. */
export const shapeText = (dims: readonly number[]) =>
  `[${dims.length > 8 ? `${dims.slice(0, 8)},…` : dims}]`;

const elementCount = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Serialises tensors (in the given order) with optional string metadata. */
export function writeSafetensors(
  tensors: TensorToWrite[],
  metadata?: Record<string, string>,
): Uint8Array {
  // Object.fromEntries defines own properties, so even a tensor named __proto__ is kept.
  const header: [string, unknown][] = [];
  if (metadata && Object.keys(metadata).length > 0) header.push(['__metadata__', metadata]);
  const names = new Set<string>();
  let offset = 0;
  for (const { name, dtype, shape, data } of tensors) {
    if (name === '__metadata__' || names.has(name)) fail(`duplicate tensor name ${name}`);
    names.add(name);
    if (dtype !== 'F32') fail(`cannot write ${name} as ${dtype}; only F32 is written`);
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(`tensor ${name} has an invalid shape [${shape}]`);
    }
    if (elementCount(shape) !== data.length) {
      fail(`tensor ${name} has shape [${shape}] but ${data.length} values`);
    }
    header.push([name, { dtype, shape, data_offsets: [offset, offset + data.byteLength] }]);
    offset += data.byteLength;
  }
  const json = encoder.encode(JSON.stringify(Object.fromEntries(header)));
  // Pad with spaces so the data starts 8-byte aligned: (8 + N) % 8 === 0.
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const { data } of tensors) {
    // Byte copy, so NaN payloads survive.
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    out.set(bytes, at);
    if (!LITTLE_ENDIAN) swapBytes(out.subarray(at, at + bytes.length), 4);
    at += bytes.length;
  }
  return out;
}

/** Parses and validates the header without touching tensor data. */
export function readSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  if (bytes.length < 8)
    fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    fail(`header length ${declared} is over the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const headerLength = Number(declared);
  if (8 + headerLength > bytes.length) {
    fail(`header length ${headerLength} runs past the end of the ${bytes.length}-byte file`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    fail('header is not valid UTF-8 JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    fail('header is not a JSON object');
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: [string, string][] = [];
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        fail('__metadata__ must be an object of strings');
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${nameText(k)} must be a string`);
        metadata.push([k, v as string]);
      }
      continue;
    }
    entries.push(parseEntry(name, value, dataStart, dataLength));
  }
  const byBegin = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < byBegin.length; i++) {
    const prev = byBegin[i - 1] as SafetensorsEntry;
    const cur = byBegin[i] as SafetensorsEntry;
    if (cur.begin < prev.end)
      fail(`tensors ${nameText(prev.name)} and ${nameText(cur.name)} overlap`);
  }
  return { entries, metadata: Object.fromEntries(metadata) };
}

function parseEntry(
  name: string,
  value: unknown,
  dataStart: number,
  dataLength: number,
): SafetensorsEntry {
  const e = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const { dtype, shape, data_offsets: offsets } = e;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
    fail(`tensor ${nameText(name)} has unknown dtype ${previewValue(dtype)}`);
  }
  const isCount = (d: unknown) => Number.isSafeInteger(d) && (d as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(`tensor ${nameText(name)} has no valid shape (an array of non-negative integers)`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(`tensor ${nameText(name)} has no valid data_offsets [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    fail(
      `tensor ${nameText(name)} data_offsets [${begin}, ${end}] are outside the ${dataLength}-byte data`,
    );
  }
  const typed = dtype as SafetensorsDtype;
  const dims = shape as number[];
  const expected = elementCount(dims) * DTYPE_BYTES[typed];
  if (expected !== end - begin) {
    fail(
      `tensor ${nameText(name)} of shape ${shapeText(dims)} and dtype ${typed} needs ${expected} bytes, data_offsets give ${end - begin}`,
    );
  }
  return { name, dtype: typed, shape: dims, begin: dataStart + begin, end: dataStart + end };
}

/** One tensor's data as float32 (a copy); F32, F16 and BF16 only. */
export function decodeTensor(bytes: Uint8Array, entry: SafetensorsEntry): DecodedTensor {
  const { name, dtype, shape, begin, end } = entry;
  const raw = bytes.subarray(begin, end);
  if (dtype === 'F32') {
    // A byte copy (NaN payloads and -0 survive); not raw.slice(): on a Node Buffer that is a
    // view into Node's shared pool, whose .buffer starts elsewhere.
    const copy = new Uint8Array(raw);
    if (!LITTLE_ENDIAN) swapBytes(copy, 4);
    return { dtype, shape, data: new Float32Array(copy.buffer, 0, copy.length / 4) };
  }
  if (dtype === 'F16' || dtype === 'BF16') {
    const n = raw.length / 2;
    const bits = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const h = (raw[2 * i] ?? 0) | ((raw[2 * i + 1] ?? 0) << 8);
      bits[i] = dtype === 'BF16' ? h << 16 : halfToFloatBits(h);
    }
    return { dtype, shape, data: new Float32Array(bits.buffer) };
  }
  return fail(`tensor ${nameText(name)} has dtype ${dtype}; only F32, F16 and BF16 can be read`);
}

/** Every tensor as float32, by name in header order, with the metadata. */
export function readSafetensors(bytes: Uint8Array): {
  tensors: Map<string, DecodedTensor>;
  metadata: Record<string, string>;
} {
  const { entries, metadata } = readSafetensorsHeader(bytes);
  const tensors = new Map<string, DecodedTensor>();
  for (const entry of entries) tensors.set(entry.name, decodeTensor(bytes, entry));
  return { tensors, metadata };
}

/**
 * IEEE half → single, exactly: sign | exponent 5 (bias 15) | mantissa 10 becomes
 * sign | exponent 8 (bias 127) | mantissa 23; subnormal halves are normalised.
 */
export function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0; // Inf / NaN (payload kept)
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0; // ±0
  // Subnormal: value = mant · 2^-24; shift until the implicit bit appears.
  let e = 113;
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}
