import { describe, expect, it } from 'vitest';
import { frontierPoint as pt, runSummary } from '../../test/frontier';
import { doneKey, inSweepOrder, resumeFrom } from './resume';
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

  it('refuses the results of another sweep', () => {
    const other = { ...(stored as object), seeds: [1, 2, 3] };
    expect(resumeFrom({ sweep: other, runs: [], points: [] }, sweep)).toMatch(/another sweep/);
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
});
