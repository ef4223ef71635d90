/**
 * The bench's child processes report through one stdout line, `BENCH_OUTCOME <json>`, and exit 0
 * either way; the parent (bench/run.ts, bench/gpu/main.ts) finds that line in what they printed.
 */
export type Outcome<T> = { ok: true; result: T } | { ok: false; error: string };

const TAG = 'BENCH_OUTCOME ';

/** Child side: awaits `work`, prints its outcome line and exits. */
export function reportOutcome<T>(work: Promise<T>): void {
  work.then(
    (result) => {
      console.log(`${TAG}${JSON.stringify({ ok: true, result })}`);
      process.exit(0);
    },
    (e: unknown) => {
      const error = e instanceof Error ? e.message : String(e);
      console.log(`${TAG}${JSON.stringify({ ok: false, error })}`);
      process.exit(0);
    },
  );
}

/** Parent side: the outcome in a child's stdout, or null when it printed none. */
export function readOutcome<T>(stdout: string): Outcome<T> | null {
  const line = stdout.split('\n').find((l) => l.startsWith(TAG));
  return line ? (JSON.parse(line.slice(TAG.length)) as Outcome<T>) : null;
}

/** Whether a line is the outcome line (not to be echoed as a log line). */
export const isOutcomeLine = (line: string): boolean => line.startsWith(TAG);
