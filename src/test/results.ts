/** Import results (`{ ok: true, … } | { ok: false, error }`) and the bytes tests feed in. */
import { describeSkipped, type SkippedRow } from '../data/limits';

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** JSON Lines: one JSON.stringify'd row a line. */
export const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n');

type Result = { ok: true } | { ok: false; error: string };

/** The result, known to be a success; a failure throws with its error. */
export function expectOk<R extends Result>(r: R): Extract<R, { ok: true }> {
  if (!r.ok) throw new Error(`expected ok, got: ${r.error}`);
  return r as Extract<R, { ok: true }>;
}

/** The error of a result known to be a failure; a success throws. */
export function expectError(r: Result): string {
  if (r.ok) throw new Error('expected an error, got a result');
  return r.error;
}

/** Why each listed row of a successful import was skipped, as the UI words it. */
export function skipReasons(r: Result & { skipped?: SkippedRow[] }): string[] {
  return (expectOk(r).skipped ?? []).map(describeSkipped);
}
