import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../model/checkpoint';
import { BpeTokenizer } from '../../tokenizer/bpe';
import type { MetricPoint } from '../views';
import { EXPERIMENTS_DOC, hasMeasuredBlock, measuredTable, updateMeasuredBlock } from './docTable';
import { EXPERIMENTS, experimentById, experimentSettings, judge } from './experiments';
import { MEASURED } from './results';
import { runExperiment } from './runExperiment';

const pt = (step: number, o: Record<string, number>): MetricPoint => ({ step, phase: 'dpo', ...o });

describe('the guided experiments', () => {
  it('are at least 10, each a question with predictions, valid runs, charts and a source', () => {
    expect(EXPERIMENTS.length).toBeGreaterThanOrEqual(10);
    expect(new Set(EXPERIMENTS.map((e) => e.id)).size).toBe(EXPERIMENTS.length);
    for (const e of EXPERIMENTS) {
      expect(e.predictions.length, e.id).toBeGreaterThanOrEqual(2);
      expect(
        e.predictions.map((p) => p.id),
        e.id,
      ).toContain(e.expected);
      expect(e.runs.length, e.id).toBeGreaterThanOrEqual(1);
      expect(e.runs.length, e.id).toBeLessThanOrEqual(3);
      expect(e.charts.length, e.id).toBeGreaterThan(0);
      expect(e.sources.length, e.id).toBeGreaterThan(0);
      // Every patch names a real setting and stays inside its bounds (throws otherwise).
      for (const r of e.runs) expect(experimentSettings(r, 1).seed).toBe(1);
    }
  });

  it('refuse a setting the schema does not know or a value out of bounds', () => {
    expect(() => experimentSettings({ label: 'x', patch: { log: 1 } }, 1)).toThrow(
      /no setting "log"/,
    );
    expect(() => experimentSettings({ label: 'x', patch: { 'optim.lr': 0 } }, 1)).toThrow(
      /optim\.lr/,
    );
  });

  it('read hand-made metric points the way they were made', () => {
    const beta = experimentById('beta-direction');
    if (!beta) throw new Error('missing');
    const kl = (v: number) => [pt(0, { 'eval/kl': 0 }), pt(40, { 'eval/kl': v })];
    expect(judge(beta, [kl(8), kl(1.5)], 'large-closer')).toMatchObject({
      answer: 'large-closer',
      predictionRight: true,
      holds: true,
    });
    const backwards = judge(beta, [kl(1), kl(8)], 'large-closer');
    expect(backwards).toMatchObject({ answer: 'small-closer', predictionRight: false });
    expect(backwards.happened).toContain('1.00 nats with β = 0.05, 8.00 with β = 1');

    const ipo = experimentById('ipo-margin');
    if (!ipo) throw new Error('missing');
    const margin = (m: number) => [
      pt(1, { 'rewards/margins': 0, 'logps/rejected': -20 }),
      pt(40, { 'rewards/margins': m, 'logps/rejected': -30 }),
    ];
    expect(judge(ipo, [margin(9), margin(0.5)], null).answer).toBe('dpo-unbounded');
    expect(judge(ipo, [margin(0.6), margin(0.5)], null).answer).toBe('both-settle');
  });

  it('held in every seed of the committed reproduction (npm run verify:experiments)', () => {
    for (const e of EXPERIMENTS) {
      const r = MEASURED.experiments[e.id];
      expect(r, `${e.id} has no committed results`).toBeDefined();
      expect(r?.expected, e.id).toBe(e.expected);
      const seeds = r?.seeds ?? [];
      expect(
        seeds.map((s) => s.seed),
        e.id,
      ).toEqual([1, 2, 3]);
      for (const s of seeds) expect(s.holds, `${e.id} seed ${s.seed}: ${s.answer}`).toBe(true);
    }
    expect(MEASURED.model).toBe('micro');
  });

  it('are printed in docs/experiments.md as results.json has them (npm run verify:experiments)', () => {
    const text = readFileSync(resolve(__dirname, '../../..', EXPERIMENTS_DOC), 'utf8');
    expect(hasMeasuredBlock(text)).toBe(true);
    expect(updateMeasuredBlock(text, MEASURED, EXPERIMENTS)).toBe(text);
    const table = measuredTable(
      {
        model: 'micro',
        backend: 'wasm',
        experiments: {
          'beta-direction': {
            expected: 'large-closer',
            seeds: [
              {
                seed: 1,
                answer: 'large-closer',
                holds: true,
                effect: { kl: 8.432, d: 1.9e-9 },
                seconds: 7.2,
              },
              {
                seed: 2,
                answer: 'same',
                holds: false,
                effect: { kl: 0.0564, d: 0 },
                seconds: 21.1,
              },
            ],
          },
        },
      },
      EXPERIMENTS.slice(0, 1),
    );
    expect(table.split('\n')[2]).toBe(
      '| `beta-direction` | 1/2 | kl 8.43 / 0.056; d 1.9e-9 / 0.00 | ≤ 22 s |',
    );
  });
});

// As `npm run verify:experiments` runs it: the WASM backend (the CPU backend takes minutes).
// One seed of every experiment (the committed results hold three): each reading holds here too.
describe('one seed of every experiment, on the shipped micro model', () => {
  let sft: ReturnType<typeof loadCheckpoint>['model'];
  let tokenizer: BpeTokenizer;
  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    expect(await tf.setBackend('wasm')).toBe(true);
    const loaded = loadCheckpoint(
      JSON.parse(
        readFileSync(resolve(__dirname, '../../../public/checkpoints/sft-micro.json'), 'utf8'),
      ),
      false,
    );
    sft = loaded.model;
    tokenizer = BpeTokenizer.fromJSON(loaded.checkpoint.tokenizer);
  });
  afterAll(async () => {
    sft.dispose();
    await tf.setBackend('cpu');
  });

  for (const exp of EXPERIMENTS) {
    it(`reproduces ${exp.id} (seed 1)`, { timeout: 300_000 }, async () => {
      const runs = await runExperiment(sft, tokenizer, exp, 1);
      const r = judge(exp, runs, exp.expected);
      expect(r.answer, r.happened).toBe(exp.expected);
      expect(r.predictionRight).toBe(true);
      if (exp.id === 'stuck-at-ln2') {
        expect(r.effect.frozenMaxDeviation).toBeLessThan(1e-4);
        expect(r.effect.normalFinalLoss).toBeLessThan(Math.LN2 - 0.05);
      }
    });
  }
});
