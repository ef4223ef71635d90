import { describe, expect, it } from 'vitest';
import defaultSweep from '../../../frontier/default.json';
import { seedStream } from './seeds';
import { parseSweepConfig, resolveRuns } from './sweepConfig';

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
    });
    expect(s.eval.prompts).toBe(128);
    expect(s.train).toEqual({
      steps: 60,
      lr: 5e-4,
      batchSize: 8,
      warmupSteps: 5,
      maxGradNorm: 10,
    });
    expect(s.seeds).toEqual([1]);
    expect(s.budget).toBeUndefined();
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

  it('gives each run its steps from the budget, and refuses runs that spend another', () => {
    const ppo = { batchSize: 32, miniBatchSize: 16, ppoEpochs: 2 }; // 4 updates per iteration
    const s = parseSweepConfig({
      name: 'b',
      budget: { updates: 120, samples: 960 },
      data: { prompts: 120, completionsPerPrompt: 8 },
      runs: [{ algorithm: 'sft' }, { algorithm: 'dpo' }, { algorithm: 'ppo-gt', ppo }],
    });
    // DPO: 120 updates; PPO-GT: 960 samples / 32 = 30 iterations × 4 = 120 updates.
    expect(resolveRuns(s).map((r) => r.train.steps)).toEqual([60, 120, 30]);
    expect(() =>
      parseSweepConfig({
        name: 'b',
        budget: { updates: 120, samples: 960 },
        data: { prompts: 100, completionsPerPrompt: 8 },
        runs: [
          { algorithm: 'dpo', steps: 200 },
          { algorithm: 'ppo-gt', ppo: { ...ppo, ppoEpochs: 4, rewardScale: 5 } },
          { algorithm: 'ppo', ppo },
        ],
      }),
    ).toThrow(
      [
        "invalid sweep config: every trained run must use the sweep's budget (120 updates, 960 samples) and PPO one reward scale:",
        '  data: 100 prompts × 8 completions = 800 samples, the budget is 960',
        '  dpo-beta0.1: 200 gradient updates, the budget is 120',
        '  ppo-gt: 240 gradient updates, the budget is 120 (30 iterations × 8 updates each)',
        '  ppo.rewardScale differs between runs: 5, 1',
      ].join('\n'),
    );
  });

  it('derives every run’s batch order from the replicate seed unless the run sets one', () => {
    const s = parseSweepConfig({
      name: 's',
      seeds: [3, 4, 5],
      runs: [{ algorithm: 'dpo' }, { algorithm: 'dpo', beta: 1, seed: 9 }],
    });
    const [a, b] = resolveRuns(s, 12345);
    expect(a?.train.seed).toBe(12345);
    expect(b?.train.seed).toBe(9);
    expect(resolveRuns(s)[0]?.train.seed).toBe(seedStream(3, 'order'));
  });

  it('gives an equal-labels reward model DPO’s labelled-pair presentations', () => {
    const s = parseSweepConfig({
      name: 'eq',
      budget: { updates: 240, samples: 1920 },
      data: { prompts: 240, completionsPerPrompt: 8 },
      train: { batchSize: 16 },
      runs: [
        { algorithm: 'dpo' },
        { algorithm: 'best-of-n', rewardModel: { batchSize: 32, equalLabels: true } },
        { algorithm: 'best-of-n', id: 'own', rewardModel: { steps: 300, batchSize: 32 } },
      ],
    });
    const [, equal, own] = resolveRuns(s);
    // 240 updates × 16 pairs = 3,840 = 120 steps × 32.
    expect(equal && 'rewardModel' in equal && equal.rewardModel.steps).toBe(120);
    expect(own && 'rewardModel' in own && own.rewardModel.steps).toBe(300);
  });

  it('accepts the shipped default sweep: micro, ≥ 5 seeds, one budget, the paper’s grid', () => {
    const s = parseSweepConfig(defaultSweep);
    expect(s.checkpoint).toBe('public/checkpoints/sft-micro.json');
    expect(s.seeds.length).toBeGreaterThanOrEqual(5);
    expect(s.eval.prompts * s.eval.samplesPerPrompt).toBeGreaterThanOrEqual(512);
    expect(s.eval.prompts).toBeGreaterThanOrEqual(256);
    expect(s.eval.validationPrompts).toBeGreaterThan(0);
    expect(Math.min(...s.eval.at)).toBeLessThanOrEqual(5);
    const runs = resolveRuns(s);
    const betas = runs.flatMap((r) => (r.algorithm === 'dpo' && !r.rounds ? [r.beta] : []));
    // The paper's grid, with 0.25 and 0.5 filling the KL range it leaves to early checkpoints.
    expect(betas).toEqual([0.05, 0.1, 0.25, 0.5, 1, 5]);
    expect(runs.some((r) => r.algorithm === 'dpo' && (r.rounds ?? 1) > 1)).toBe(true);
    const bon = runs.flatMap((r) => ('n' in r ? r.n : []));
    expect(Math.max(...bon)).toBe(64);
    const klTargets = runs.flatMap((r) =>
      'ppo' in r && 'rewardModel' in r ? [r.ppo.klTarget] : [],
    );
    expect(new Set(klTargets).size).toBeGreaterThanOrEqual(3);
    expect(s.budget).toBeDefined();
    const algorithms = new Set(s.runs.map((r) => r.algorithm));
    expect([...algorithms].sort()).toEqual(
      ['best-of-n', 'dpo', 'ppo', 'ppo-gt', 'preferred-ft', 'sft', 'unlikelihood'].sort(),
    );
    expect(s.eval.prompts).toBeGreaterThanOrEqual(64);
  });
});
