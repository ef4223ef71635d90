import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  type GeneratedSample,
  metricsColumns,
  metricsToCsv,
  metricsToJson,
  samplesToJsonl,
  toTrlJsonl,
} from './export';

const points = [
  { loss: 0.7, step: 0 },
  { step: 10, loss: 0.5, rewardAccuracy: 0.75, note: 'lr, warm-up "done"' },
  { step: 20, loss: 0.25, rewardMargin: -1e-7, note: undefined },
];

describe('metricsToCsv', () => {
  it('puts step first, then keys in order of first appearance', () => {
    expect(metricsColumns(points)).toEqual([
      'step',
      'loss',
      'rewardAccuracy',
      'note',
      'rewardMargin',
    ]);
    expect(metricsToCsv(points).split('\n')[0]).toBe('step,loss,rewardAccuracy,note,rewardMargin');
  });

  it('round-trips through papaparse, missing values as empty cells', () => {
    const back = Papa.parse<Record<string, unknown>>(metricsToCsv(points), {
      header: true,
      dynamicTyping: true,
    });
    expect(back.errors).toEqual([]);
    expect(back.data).toEqual([
      { step: 0, loss: 0.7, rewardAccuracy: null, note: null, rewardMargin: null },
      { step: 10, loss: 0.5, rewardAccuracy: 0.75, note: 'lr, warm-up "done"', rewardMargin: null },
      { step: 20, loss: 0.25, rewardAccuracy: null, note: null, rewardMargin: -1e-7 },
    ]);
  });

  it('writes NaN and Infinity as text', () => {
    expect(metricsToCsv([{ step: 1, loss: Number.NaN, kl: Number.POSITIVE_INFINITY }])).toBe(
      'step,loss,kl\n1,NaN,Infinity',
    );
  });
});

describe('metricsToJson', () => {
  it('writes one point per line and parses back (non-finite → null)', () => {
    const text = metricsToJson([...points, { step: 30, loss: Number.NaN }]);
    expect(text.split('\n')[1]).toBe('{"loss":0.7,"step":0},');
    expect(JSON.parse(text)).toEqual([
      { loss: 0.7, step: 0 },
      points[1],
      { step: 20, loss: 0.25, rewardMargin: -1e-7 },
      { step: 30, loss: null },
    ]);
    expect(metricsToJson([])).toBe('[]\n');
  });
});

describe('samplesToJsonl and toTrlJsonl', () => {
  it('round-trips samples exactly, one per line', () => {
    const samples: GeneratedSample[] = [
      {
        prompt: 'The film was',
        completion: ' great\nfun 🙂',
        tokens: [11, 2045, 7],
        logpPolicy: [-0.1, -Math.LN10, -1e-9],
        logpRef: [-0.2, -3.5, -0.000123],
        reward: 0.875,
      },
      { prompt: '', completion: '', tokens: [], logpPolicy: [], logpRef: [], reward: -1 },
    ];
    const text = samplesToJsonl(samples);
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines.slice(0, 2).map((l) => JSON.parse(l))).toEqual(samples);
    const typed = {
      ...samples[1],
      tokens: Int32Array.of(3, 4) as unknown as number[],
    } as GeneratedSample;
    expect(JSON.parse(samplesToJsonl([typed])).tokens).toEqual([3, 4]);
  });

  it('writes TRL standard JSONL with the three fields only', () => {
    const text = toTrlJsonl([{ prompt: 'P\n', chosen: ' "a"', rejected: ' b', extra: 1 } as never]);
    expect(text).toBe('{"prompt":"P\\n","chosen":" \\"a\\"","rejected":" b"}\n');
  });
});
