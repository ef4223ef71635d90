/**
 * Resuming a stopped sweep (issue 23): the runner rewrites its outputs after every run, so a
 * stopped sweep leaves each finished (seed, run) with its summary and points. A rerun of the
 * same sweep into the same folder keeps those, drops the points of a run that did not finish,
 * and runs the rest; every random stream is the seed's, so a resumed run is the run an
 * unstopped sweep would have made (on the same backend). Pure (no tfjs, no Node APIs).
 */
import type { FrontierPoint, RunSummary } from './points';
import { parseSweepConfig, resolveRuns, type SweepConfig } from './sweepConfig';

/** What a previous run of the runner left in the output folder. */
export interface PreviousSweep {
  sweep: unknown;
  runs: readonly RunSummary[];
  points: readonly FrontierPoint[];
  /** Wall seconds the previous sessions spent. */
  seconds?: number;
}

export interface Resumed {
  /** Keys (`doneKey`) of the finished (seed, run) pairs. */
  done: Set<string>;
  runs: RunSummary[];
  points: FrontierPoint[];
  seconds: number;
}

export const doneKey = (seed: number | undefined, runId: string) => `${seed ?? ''}\u0000${runId}`;

/** Same sweep after JSON: key order and defaults as the parser wrote them. */
const sameSweep = (a: unknown, b: SweepConfig) => JSON.stringify(a) === JSON.stringify(b);

/** What every run of a sweep shares: all but its name, description, seeds and runs. */
const setup = ({ name: _n, description: _d, seeds: _s, runs: _r, ...rest }: SweepConfig) =>
  JSON.stringify(rest);

/**
 * The (seed, run) results of `previous` that `sweep` would compute the same way: the shared
 * setup (checkpoint, budget, data, evaluation, training defaults) unchanged, the run's resolved
 * config unchanged, and its seed still listed. So a finished sweep can take more seeds or more
 * runs (a β the grid missed) without rerunning what it has; every run is a function of its seed's
 * streams and its own config alone (seeds.ts), not of the runs beside it.
 */
function keptKeys(previous: unknown, sweep: SweepConfig): Set<string> | string {
  let prev: SweepConfig;
  try {
    prev = parseSweepConfig(previous);
  } catch {
    return 'the folder holds the results of another sweep (its config does not parse)';
  }
  if (setup(prev) !== setup(sweep)) {
    return 'the folder holds the results of another sweep (its config differs from this one)';
  }
  const now = new Map(resolveRuns(sweep).map((r) => [r.id, JSON.stringify(r)]));
  const same = new Set(
    resolveRuns(prev)
      .filter((r) => now.get(r.id) === JSON.stringify(r))
      .map((r) => r.id),
  );
  const keys = new Set<string>();
  for (const seed of sweep.seeds) for (const id of same) keys.add(doneKey(seed, id));
  return keys;
}

/**
 * The finished part of `previous` that this sweep keeps, or why it cannot be resumed (another
 * sweep's results: its shared setup changed, so its figures would mix two sweeps). The same
 * config keeps everything; one with more seeds or runs, or some runs changed, keeps the rest.
 */
export function resumeFrom(previous: PreviousSweep, sweep: SweepConfig): Resumed | string {
  const keep = sameSweep(previous.sweep, sweep) ? null : keptKeys(previous.sweep, sweep);
  if (typeof keep === 'string') return keep;
  const runs = previous.runs.filter((r) => keep === null || keep.has(doneKey(r.seed, r.runId)));
  const done = new Set(runs.map((r) => doneKey(r.seed, r.runId)));
  return {
    done,
    runs,
    points: previous.points.filter((p) => done.has(doneKey(p.seed, p.runId))),
    seconds: previous.seconds ?? 0,
  };
}

/**
 * Points and summaries in the order an unstopped sweep writes them: by seed (the sweep's
 * order), then run (the config's order); a run's own points keep their order.
 */
export function inSweepOrder<T extends { seed?: number; runId: string }>(
  items: readonly T[],
  sweep: SweepConfig,
): T[] {
  const seedRank = new Map(sweep.seeds.map((s, i) => [s, i]));
  const runRank = new Map(resolveRuns(sweep).map((r, i) => [r.id, i]));
  const rank = (x: T) =>
    (seedRank.get(x.seed ?? sweep.seeds[0] ?? 0) ?? 0) * 1e4 + (runRank.get(x.runId) ?? 0);
  return items
    .map((x, i) => ({ x, i }))
    .sort((a, b) => rank(a.x) - rank(b.x) || a.i - b.i)
    .map(({ x }) => x);
}

/**
 * One sweep from shards run side by side (`--seeds` into separate folders, one process per
 * core): every shard must hold this sweep's results, and no (seed, run) may be in two of them.
 * `seconds` is the longest shard's (the shards ran at once), `cpuSeconds` their sum.
 */
export function mergeShards(
  shards: readonly PreviousSweep[],
  sweep: SweepConfig,
): (Resumed & { cpuSeconds: number }) | string {
  const runs: RunSummary[] = [];
  const points: FrontierPoint[] = [];
  const done = new Set<string>();
  let seconds = 0;
  let cpuSeconds = 0;
  for (const [i, shard] of shards.entries()) {
    const part = resumeFrom(shard, sweep);
    if (typeof part === 'string') return `shard ${i + 1}: ${part}`;
    for (const key of part.done) {
      if (done.has(key)) {
        const [seed, runId] = key.split('\u0000');
        return `shard ${i + 1}: seed ${seed} run ${runId} is also in an earlier shard`;
      }
      done.add(key);
    }
    runs.push(...part.runs);
    points.push(...part.points);
    seconds = Math.max(seconds, part.seconds);
    cpuSeconds += part.seconds;
  }
  return {
    done,
    runs: inSweepOrder(runs, sweep),
    points: inSweepOrder(points, sweep),
    seconds,
    cpuSeconds,
  };
}
