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

/** Wording of an error the engine raised rather than one an importer checked for. */
const UNCHECKED_ERROR =
  /is not a function|is not iterable|is not an object|cannot read propert|cannot convert|of undefined|of null|maximum call stack|invalid array length|invalid typed array length|invalid character|out of memory|unexpected token|unexpected end of json|at position \d/i;

/** What an importer did with one input: its value, or the message it threw, and the time. */
export interface Attempt<T> {
  value?: T;
  error?: string;
  ms: number;
}

/** Runs an importer, catching what it throws; a throw that is not an Error fails the test. */
export function attempt<T>(run: () => T): Attempt<T> {
  const t0 = performance.now();
  try {
    const value = run();
    return { value, ms: performance.now() - t0 };
  } catch (e) {
    const ms = performance.now() - t0;
    if (!(e instanceof Error)) throw new Error(`threw a non-Error: ${String(e)}`);
    return { error: e.message, ms };
  }
}

/**
 * `attempt`, timed twice when the first run took `boundMs` or more: on a shared machine a
 * slow run is usually another process, and a hang is slow both times. `release` frees each
 * value the importer returns except the last.
 */
export function attemptWithin<T>(
  run: () => T,
  boundMs: number,
  release: (value: T) => void = () => {},
): Attempt<T> {
  const first = attempt(run);
  if (first.ms < boundMs) return first;
  if (first.value !== undefined) release(first.value);
  const second = attempt(run);
  return { ...second, ms: Math.min(first.ms, second.ms) };
}

/**
 * Why a message is not a clear one (empty, a raw engine error, a dump of the input), or
 * undefined when it reads as a sentence about the input.
 */
export function unclearMessage(message: string): string | undefined {
  if (message.trim().length < 12 || !message.includes(' ')) return 'too short to say anything';
  if (message.length > 400) return `${message.length} characters long`;
  if (UNCHECKED_ERROR.test(message)) return 'an unchecked engine error';
  return undefined;
}
