import { readFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseFrontierResults } from './frontierImport';
import { seedReport } from './report';

/** A real TRL job's results: python/test_trl_job.py's sweep (1 seed; SFT, DPO β=0.1). */
const DIR = 'e2e/fixtures/trl-job-results';
const file = (name: string) => ({ name, bytes: new Uint8Array(readFileSync(`${DIR}/${name}`)) });
const text = (name: string, s: string) => ({ name, bytes: strToU8(s) });
const pointsJson = JSON.parse(readFileSync(`${DIR}/points.json`, 'utf8'));
/** points.json with its first point changed by `edit`. */
const withPoint = (edit: (p: Record<string, unknown>) => void) => {
  const copy = structuredClone(pointsJson);
  edit(copy.points[0]);
  return text('points.json', JSON.stringify(copy));
};

describe('parseFrontierResults', () => {
  it('reads a TRL job’s points.json and summary.json: its curves, labelled with the source', () => {
    const f = parseFrontierResults([file('summary.json'), file('points.json')], 'import-1');
    expect(f.name).toBe('trl-job-smoke');
    expect(f.source).toBe('TRL job');
    expect(f.files).toEqual(['points.json', 'summary.json']);
    expect(f.points.map((p) => [p.runId, p.step, p.label])).toEqual([
      ['import-1/sft', 0, 'SFT (TRL job)'],
      ['import-1/dpo-beta0.1', 0, 'DPO β=0.1 (TRL job)'],
      ['import-1/dpo-beta0.1', 1, 'DPO β=0.1 (TRL job)'],
      ['import-1/dpo-beta0.1', 2, 'DPO β=0.1 (TRL job)'],
      ['import-1/dpo-beta0.1', 4, 'DPO β=0.1 (TRL job)'],
    ]);
    // The numbers as written, and nothing but a point's fields (the app's readers take them).
    expect(f.points[4]?.kl).toBe(pointsJson.points[4].kl);
    expect(f.points[4]?.reward).toBe(pointsJson.points[4].reward);
    expect(Object.keys(f.points[0] ?? {}).sort()).toEqual(Object.keys(pointsJson.points[0]).sort());
    expect(seedReport(f.points, [], () => false).bands).toHaveLength(5);
  });

  it('reads the results folder zipped, other files in it ignored, and points.json alone', () => {
    const zip = zipSync({
      'results/points.json': readFileSync(`${DIR}/points.json`),
      'results/summary.json': readFileSync(`${DIR}/summary.json`),
      'results/trl/seed1-dpo-beta0.1/trainer_state.json': strToU8('{"log_history": []}'),
      'results/points.csv': strToU8('runId\n'),
    });
    const f = parseFrontierResults([{ name: 'results.zip', bytes: zip }], 'z');
    expect(f.files).toEqual([
      'results.zip/results/points.json',
      'results.zip/results/summary.json',
    ]);
    expect(f.points).toHaveLength(5);
    expect(parseFrontierResults([file('points.json')], 'p').points).toHaveLength(5);
  });

  it('labels an app runner’s results as such', () => {
    const app = { ...pointsJson, backend: 'wasm' };
    const f = parseFrontierResults([text('points.json', JSON.stringify(app))], 'a');
    expect(f.source).toBe('app runner');
    expect(f.points[1]?.label).toBe('DPO β=0.1 (app runner)');
  });

  it.each([
    [[text('notes.txt', 'hello')], /notes\.txt: not JSON text; pick a sweep’s results/],
    [
      [text('sweep.json', '{"format": "dpo-playground-trl-job"}')],
      /sweep\.json: neither a points\.json nor a summary\.json/,
    ],
    [[file('summary.json')], /no points\.json among summary\.json/],
    [[], /no file/],
    [[text('points.json', '{"name": "x", "points": []}')], /points\.json: points: holds no points/],
    [
      [
        withPoint((p) => {
          p.kl = 'big';
        }),
      ],
      /points\.json: points\[0\]\.kl: must be a finite number \(got "big"\)/,
    ],
    [
      [
        withPoint((p) => {
          p.algorithm = 'rlhf';
        }),
      ],
      /points\[0\]\.algorithm: must be one of sft, .*\(got "rlhf"\)/,
    ],
    [
      [
        withPoint((p) => {
          delete p.runId;
        }),
      ],
      /points\[0\]\.runId: /,
    ],
    [
      [
        withPoint((p) => {
          p.rewardStderr = -1;
        }),
      ],
      /points\[0\]\.rewardStderr: must be ≥ 0/,
    ],
    [[file('points.json'), file('points.json')], /several sweeps’ results/],
    [
      [
        file('points.json'),
        text('summary.json', JSON.stringify({ name: 'other', sweep: {}, runs: [] })),
      ],
      /summary\.json is of sweep “other”, points\.json of “trl-job-smoke”/,
    ],
    [[{ name: 'r.zip', bytes: strToU8('PK not a zip') }], /r\.zip: not a readable \.zip/],
    [
      [{ name: 'empty.zip', bytes: zipSync({ 'a.txt': strToU8('x') }) }],
      /no points\.json among empty\.zip/,
    ],
  ])('refuses a wrong file with a message that says what is wrong (%#)', (files, message) => {
    expect(() => parseFrontierResults(files, 'x')).toThrow(message);
  });
});
