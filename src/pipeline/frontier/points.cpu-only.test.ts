import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  type FrontierPoint,
  meanStderr,
  POINT_CSV_COLUMNS,
  parsePointsCsv,
  pointsCsv,
  summarizeRun,
  withCsvValues,
} from './points';

const point = (over: Partial<FrontierPoint>): FrontierPoint => ({
  runId: 'dpo',
  algorithm: 'dpo',
  label: 'DPO β=0.1',
  step: 0,
  kl: 0,
  klStderr: 0,
  klKind: 'exact',
  reward: 0.5,
  rewardStderr: 0.01,
  samples: 64,
  ...over,
});

describe('meanStderr', () => {
  it('is the mean and s/√n with the n − 1 variance', () => {
    // mean 2.5; Σ(x − m)² = 5; s² = 5/3; stderr = √(5/3 / 4) = 0.6455
    const r = meanStderr([1, 2, 3, 4]);
    expect(r.mean).toBe(2.5);
    expect(r.stderr).toBeCloseTo(Math.sqrt(5 / 12), 12);
    expect(meanStderr([7])).toEqual({ mean: 7, stderr: 0 });
    expect(meanStderr([]).mean).toBeNaN();
  });
});

describe('pointsCsv', () => {
  it('writes the columns in order and quotes text with commas, quotes and newlines', () => {
    const csv = pointsCsv([
      point({ step: 20, kl: 1.5, reward: 0.6, sample: 'It was "great", really\nyes' }),
      point({ runId: 'bon', algorithm: 'best-of-n', label: 'BoN', n: 4, klKind: 'analytic' }),
    ]);
    const lines = csv.split('\n');
    // Without validation evaluations the last column (validationReward) is left out.
    expect(lines[0]).toBe(POINT_CSV_COLUMNS.slice(0, -1).join(','));
    expect(lines[0]).toBe(
      'runId,algorithm,label,seed,step,n,kl,klStderr,klKind,reward,rewardStderr,samples,sample',
    );
    const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
    expect(parsed[1]).toEqual([
      'dpo',
      'dpo',
      'DPO β=0.1',
      '',
      '20',
      '',
      '1.5',
      '0',
      'exact',
      '0.6',
      '0.01',
      '64',
      'It was "great", really\nyes',
    ]);
    expect(parsed[2]?.slice(0, 9)).toEqual([
      'bon',
      'best-of-n',
      'BoN',
      '',
      '0',
      '4',
      '0',
      '0',
      'analytic',
    ]);
  });
});

describe('parsePointsCsv', () => {
  it('reads back what pointsCsv wrote, every double exactly (a replot rewrites the same CSV)', () => {
    const points = [
      point({ seed: 2, step: 20, kl: 1 / 3, klStderr: Math.PI / 100, reward: 0.1 + 0.2 }),
      point({ seed: 2, step: 40, kl: Math.E / 1e7, sample: 'a "b", c\nd' }),
      point({ runId: 'bon', algorithm: 'best-of-n', label: 'BoN', n: 4, klKind: 'analytic' }),
    ];
    const back = parsePointsCsv(pointsCsv(points));
    expect(back).toEqual(points);
    expect(back[0]?.kl).toBe(1 / 3);
    expect(back[0]?.reward).toBe(0.30000000000000004);
    expect(pointsCsv(back)).toBe(pointsCsv(points));
    expect(() => parsePointsCsv('kl,reward\n1,2')).toThrow(/columns/);
    // points.json's 6-digit copies, seed last as a run emits them, take the CSV's values.
    const json = points.map(({ seed, ...p }) => ({
      ...p,
      kl: Number(p.kl.toPrecision(6)),
      ...(seed !== undefined ? { seed } : {}),
    }));
    const merged = withCsvValues(json, back);
    expect(merged).toEqual(points);
    expect(merged.map((p) => Object.keys(p))).toEqual(json.map((p) => Object.keys(p)));
    expect(merged[0]?.kl).toBe(1 / 3);
    expect(() => withCsvValues(json.slice(1), back)).toThrow(/rows/);
    expect(() => withCsvValues(json.reverse(), back)).toThrow(/row 1/);
  });
});

describe('summaries', () => {
  it('reports the final point and the best on validation (none without validation)', () => {
    const points = [
      { ...point({ step: 0, reward: 0.5 }), validationReward: 0.5 },
      { ...point({ step: 20, kl: 3, reward: 0.62 }), validationReward: 0.6 },
      { ...point({ step: 40, kl: 6, reward: 0.64 }), validationReward: 0.59 },
      { ...point({ step: 60, kl: 6, reward: 0.6 }), validationReward: 0.58 },
      point({ runId: 'other', step: 40, reward: 0.9 }),
    ];
    const s = summarizeRun(
      { id: 'dpo', algorithm: 'dpo', label: 'DPO | β=0.1' },
      { beta: 0.1 },
      points,
      12.4,
    );
    expect(s.final).toEqual({ step: 60, kl: 6, reward: 0.6, rewardStderr: 0.01 });
    // Step 40 has the best test reward; step 20 the best validation reward: 20 is chosen.
    expect(s.best).toEqual({ step: 20, kl: 3, reward: 0.62, rewardStderr: 0.01 });
    expect(s.points).toBe(4);
    const noValidation = summarizeRun(
      { id: 'other', algorithm: 'dpo', label: 'O' },
      {},
      points.filter((p) => p.runId === 'other'),
      1,
    );
    expect(noValidation.best).toBeNull();
    const empty = summarizeRun({ id: 'x', algorithm: 'sft', label: 'X' }, {}, [], 0);
    expect(empty.final).toBeNull();
  });
});
