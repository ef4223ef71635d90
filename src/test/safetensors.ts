/** Test helpers: safetensors files built by hand, so tests can make any dtype or a bad header. */

/** [u64 LE header length][header JSON, unpadded][data]. */
export function rawSafetensors(header: unknown, data: Uint8Array = new Uint8Array()): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Little-endian bytes of 16-bit values (F16 / BF16 bit patterns). */
export function u16Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    view.setUint16(2 * i, v, true);
  });
  return out;
}

/** Float32 values from their bit patterns. */
export function floatsFromBits(bits: number[]): Float32Array {
  return new Float32Array(Uint32Array.from(bits).buffer);
}

/** Bit patterns of float32 values (NaN payloads and −0 included). */
export function bitsOf(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}
