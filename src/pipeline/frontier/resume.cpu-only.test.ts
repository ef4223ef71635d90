import { describe, expect, it } from 'vitest';
import { frontierPoint as pt, runSummary } from '../../test/frontier';
import { doneKey, inSweepOrder, mergeShards, resumeFrom } from './resume';
import { parseSweepConfig } from './sweepConfig';

const sweep = parseSweepConfig({
  name: 'r',
  seeds: [1, 2],
  runs: [{ algorithm: 'sft' }, { algorithm: 'dpo', beta: 0.1 }, { algorithm: 'preferred-ft' }],
});
const stored = JSON.parse(JSON.stringify(sweep)) as unknown;

describe('resuming a stopped sweep', () => {
  it('keeps finished runs with their points and drops a run that did not finish', () => {
    const runs = [
      runSummary({ runId: 'sft', seed: 1 }),
      runSummary({ runId: 'dpo-beta0.1', seed: 1 }),
    ];
    const points = [
      pt('sft', 1, 0, 0, 0.5),
      pt('dpo-beta0.1', 1, 0, 0, 0.5),
      pt('dpo-beta0.1', 1, 20, 2, 0.6),
      pt('preferred-ft', 1, 0, 0, 0.5), // stopped mid-run: no summary
    ];
    const r = resumeFrom({ sweep: stored, runs, points, seconds: 100 }, sweep);
    if (typeof r === 'string') throw new Error(r);
    expect([...r.done]).toEqual([doneKey(1, 'sft'), doneKey(1, 'dpo-beta0.1')]);
    expect(r.points.map((p) => p.runId)).toEqual(['sft', 'dpo-beta0.1', 'dpo-beta0.1']);
    expect(r.seconds).toBe(100);
  });

  it('refuses the results of another sweep: a shared setting changed, or no sweep at all', () => {
    const other = { ...(stored as object), train: { ...sweep.train, lr: 1e-3 } };
    expect(resumeFrom({ sweep: other, runs: [], points: [] }, sweep)).toMatch(/another sweep/);
    expect(resumeFrom({ sweep: { junk: 1 }, runs: [], points: [] }, sweep)).toMatch(
      /does not parse/,
    );
  });

  it('extends a finished sweep: more seeds and a new run keep what is unchanged', () => {
    // Before: seed 1 only, and DPO at β = 0.1 with lr 1e-3 (changed since).
    const before = parseSweepConfig({
      name: 'r',
      seeds: [1],
      runs: [{ algorithm: 'sft' }, { algorithm: 'dpo', beta: 0.1, lr: 1e-3 }],
    });
    const runs = [
      runSummary({ runId: 'sft', seed: 1 }),
      runSummary({ runId: 'dpo-beta0.1', seed: 1 }),
    ];
    const points = [pt('sft', 1, 0, 0, 0.5), pt('dpo-beta0.1', 1, 20, 2, 0.6)];
    const r = resumeFrom({ sweep: JSON.parse(JSON.stringify(before)), runs, points }, sweep);
    if (typeof r === 'string') throw new Error(r);
    // SFT is kept; DPO's config changed, so it reruns; seed 2 and Preferred-FT run fresh.
    expect([...r.done]).toEqual([doneKey(1, 'sft')]);
    expect(r.points.map((p) => p.runId)).toEqual(['sft']);
    // A seed dropped from the list is dropped from the results.
    const fewer = parseSweepConfig({ ...before, seeds: [2] });
    const none = resumeFrom({ sweep: JSON.parse(JSON.stringify(before)), runs, points }, fewer);
    expect(typeof none !== 'string' && none.done.size).toBe(0);
  });

  it('writes points in the order an unstopped sweep does: seed, then run', () => {
    const mixed = [
      pt('dpo-beta0.1', 2, 0, 0, 0.5),
      pt('preferred-ft', 1, 0, 0, 0.5),
      pt('sft', 1, 0, 0, 0.5),
      pt('dpo-beta0.1', 1, 20, 2, 0.6),
      pt('dpo-beta0.1', 1, 0, 0, 0.5),
    ];
    expect(inSweepOrder(mixed, sweep).map((p) => `${p.seed}:${p.runId}:${p.step}`)).toEqual([
      '1:sft:0',
      '1:dpo-beta0.1:20',
      '1:dpo-beta0.1:0',
      '1:preferred-ft:0',
      '2:dpo-beta0.1:0',
    ]);
  });

  it('merges shards run side by side into one sweep, refusing a (seed, run) in two', () => {
    const a = {
      sweep: stored,
      runs: [runSummary({ runId: 'sft', seed: 2 })],
      points: [pt('sft', 2, 0, 0, 0.5), pt('dpo-beta0.1', 2, 0, 0, 0.5)], // dpo unfinished
      seconds: 300,
    };
    const b = {
      sweep: stored,
      runs: [runSummary({ runId: 'sft', seed: 1 }), runSummary({ runId: 'dpo-beta0.1', seed: 1 })],
      points: [pt('dpo-beta0.1', 1, 0, 0, 0.5), pt('sft', 1, 0, 0, 0.5)],
      seconds: 200,
    };
    const m = mergeShards([a, b], sweep);
    if (typeof m === 'string') throw new Error(m);
    expect(m.points.map((p) => `${p.seed}:${p.runId}`)).toEqual([
      '1:sft',
      '1:dpo-beta0.1',
      '2:sft',
    ]);
    expect(m.runs.map((r) => `${r.seed}:${r.runId}`)).toEqual(['1:sft', '1:dpo-beta0.1', '2:sft']);
    expect([m.seconds, m.cpuSeconds]).toEqual([300, 500]);
    expect(mergeShards([b, b], sweep)).toMatch(/seed 1 run sft is also in an earlier shard/);
    const other = { ...b, sweep: { ...(stored as object), eval: { ...sweep.eval, prompts: 7 } } };
    expect(mergeShards([a, other], sweep)).toMatch(/shard 2: .*another sweep/);
  });
});
