import { describe, expect, it } from 'vitest';
import defaultSweep from '../../../frontier/default.json';
import { parseSweepConfig, resolveRuns } from './config';

describe('parseSweepConfig', () => {
  it('fills the defaults of the sweep and of each algorithm', () => {
    const s = parseSweepConfig({
      name: 'mini',
      runs: [{ algorithm: 'dpo' }, { algorithm: 'best-of-n' }, { algorithm: 'ppo' }],
    });
    expect(s.checkpoint).toBe('public/checkpoints/sft-nano.json');
    expect(s.data).toEqual({
      prompts: 64,
      completionsPerPrompt: 4,
      temperature: 1,
      maxNewTokens: 16,
      pairing: 'all',
      seed: 1,
    });
    expect(s.eval.prompts).toBe(128);
    expect(s.train).toEqual({
      steps: 60,
      lr: 5e-4,
      batchSize: 8,
      warmupSteps: 5,
      maxGradNorm: 10,
      seed: 1,
    });
    expect(s.runs[0]).toMatchObject({ algorithm: 'dpo', loss: 'sigmoid', beta: 0.1 });
    expect(s.runs[1]).toMatchObject({ n: [1, 2, 4, 8, 16], select: 'reward-model' });
    expect(s.runs[2]).toMatchObject({
      ppo: { batchSize: 16, klTarget: 6 },
      rewardModel: { steps: 150 },
    });
  });

  it('lists every problem by its path', () => {
    const bad = {
      name: 'has space',
      train: { steps: 0, lr: -1 },
      runs: [{ algorithm: 'dpo', beta: 0 }, { algorithm: 'rlhf' }, { algorithm: 'sft', extra: 1 }],
    };
    expect(() => parseSweepConfig(bad)).toThrow(
      [
        'invalid sweep config:',
        '  name: must be 1–64 letters, digits, ".", "_" or "-"',
        '  train.steps: must be ≥ 1',
        '  train.lr: must be > 0',
        '  runs[0].beta: must be > 0',
        '  runs[1].algorithm: algorithm must be one of sft, dpo, preferred-ft, unlikelihood, best-of-n, ppo, ppo-gt',
        '  runs[2]: Unrecognized key: "extra"',
      ].join('\n'),
    );
    expect(() => parseSweepConfig({ name: 'x', runs: [] })).toThrow(
      '  runs: must list at least one run',
    );
    expect(() =>
      parseSweepConfig({ name: 'x', runs: [{ algorithm: 'best-of-n', n: [4, 0.5] }] }),
    ).toThrow('  runs[0].n[1]: must be an integer');
  });

  it('rejects duplicate explicit ids and numbers derived ones', () => {
    expect(() =>
      parseSweepConfig({
        name: 'x',
        runs: [
          { algorithm: 'sft', id: 'a' },
          { algorithm: 'dpo', id: 'a' },
        ],
      }),
    ).toThrow('runs: duplicate id "a"');
    const s = parseSweepConfig({
      name: 'x',
      train: { steps: 30 },
      eval: { every: 10 },
      runs: [
        { algorithm: 'dpo', beta: 0.5, lr: 1e-3 },
        { algorithm: 'dpo', beta: 0.5, evalEvery: 5, steps: 40 },
        { algorithm: 'dpo', loss: 'ipo', beta: 0.5 },
        { algorithm: 'unlikelihood', alpha: 0.5, label: 'UL' },
      ],
    });
    const runs = resolveRuns(s);
    expect(runs.map((r) => r.id)).toEqual([
      'dpo-beta0.5',
      'dpo-beta0.5-2',
      'ipo-beta0.5',
      'unlikelihood-alpha0.5',
    ]);
    expect(runs.map((r) => r.label)).toEqual(['DPO β=0.5', 'DPO β=0.5', 'IPO β=0.5', 'UL']);
    expect(runs.map((r) => [r.train.steps, r.train.lr, r.evalEvery])).toEqual([
      [30, 1e-3, 10],
      [40, 5e-4, 5],
      [30, 5e-4, 10],
      [30, 5e-4, 10],
    ]);
  });

  it('accepts the shipped default sweep', () => {
    const s = parseSweepConfig(defaultSweep);
    const algorithms = new Set(s.runs.map((r) => r.algorithm));
    expect([...algorithms].sort()).toEqual(
      ['best-of-n', 'dpo', 'ppo', 'ppo-gt', 'preferred-ft', 'sft', 'unlikelihood'].sort(),
    );
    expect(s.eval.prompts).toBeGreaterThanOrEqual(64);
  });
});
