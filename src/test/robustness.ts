/**
 * Fuzzing importers and parsers: every generated bad input must load or throw an Error whose
 * message is a sentence about the input, within a time bound, leaking no tensors.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { liveTensors } from './leaks';

/** Per input; generous for a shared 2-core machine, far below what a hang would take. */
export const BOUND_MS = 200;

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

/**
 * Runs one input: it must load or throw a clear Error within BOUND_MS. A value it loads is
 * freed by `release` (the attempt's `value` is then disposed, for counting only), and the
 * live tensors must be as before.
 */
export function expectClear<T>(run: () => T, release?: (value: T) => void): Attempt<T> {
  const tensors = liveTensors();
  const r = attemptWithin(run, BOUND_MS, release);
  if (r.value !== undefined) release?.(r.value);
  tensors.expectUnchanged();
  expect(r.ms).toBeLessThan(BOUND_MS);
  if (r.error !== undefined) {
    expect([r.error, unclearMessage(r.error)]).toEqual([r.error, undefined]);
  }
  return r;
}

/** JSON text of a value where another was expected: wrong types, extremes, deep, huge. */
export const junkJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('0', '-1', '1.5', '-0', '1e999', '-1e999', '9007199254740993', '4294967296'),
  fc.constantFrom('1000000000', '1073741824'),
  fc.constantFrom('""', '"gpt2"', 'null', 'true', '[]', '{}', '[1,2]', '{"__proto__":1}'),
  fc.constantFrom('"AAAA"', '"%%%"', '{"shape":[1],"data":1}'),
  fc.integer({ min: 1, max: 100_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.string({ minLength: 1, maxLength: 8 }).map((s) => JSON.stringify(s.repeat(100_000))),
);
