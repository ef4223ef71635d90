import { describe, expect, it } from 'vitest';
import {
  type BudgetRun,
  budgetProblems,
  epochsOf,
  ppoUpdatesPerIteration,
  runBudget,
  stepsForBudget,
} from './budget';

const data = { prompts: 160, completionsPerPrompt: 4 }; // 640 labelled samples
const budget = { updates: 160, samples: 640 };
const ppo = { batchSize: 16, miniBatchSize: 16, ppoEpochs: 4 };
const run = (algorithm: string, steps: number, extra: Partial<BudgetRun> = {}): BudgetRun => ({
  id: algorithm,
  label: algorithm,
  algorithm,
  train: { steps, batchSize: 16 },
  ...extra,
});

describe('budget accounting', () => {
  it('counts DPO as steps updates on the data’s samples, PPO as iterations × epochs × minibatches', () => {
    expect(runBudget(run('dpo', 160), data)).toMatchObject({ updates: 160, samples: 640 });
    expect(runBudget(run('unlikelihood', 160), data)).toMatchObject({ updates: 160, samples: 640 });
    // 40 iterations × 4 epochs × ⌈16/16⌉ = 160 updates; 40 × 16 = 640 rollouts.
    expect(runBudget(run('ppo-gt', 40, { ppo }), data)).toMatchObject({
      updates: 160,
      samples: 640,
    });
    // Minibatches of 8: 2 per epoch; 16 rows in 5s: ⌈16/5⌉ = 4 (the last one short).
    expect(ppoUpdatesPerIteration({ ...ppo, miniBatchSize: 8 })).toBe(8);
    expect(ppoUpdatesPerIteration({ ...ppo, miniBatchSize: 5 })).toBe(16);
    expect(runBudget(run('best-of-n', 160), data)).toMatchObject({ counted: false, updates: 0 });
    expect(runBudget(run('sft', 160), data).counted).toBe(false);
  });

  it('derives each algorithm’s steps from the budget', () => {
    expect(stepsForBudget({ algorithm: 'dpo' }, budget)).toBe(160);
    expect(stepsForBudget({ algorithm: 'ppo', ppo }, budget)).toBe(40);
    expect(stepsForBudget({ algorithm: 'best-of-n' }, budget)).toBeUndefined();
    // 160 updates of 16 pairs over 900 pairs: 2.84 epochs.
    expect(epochsOf(160, 16, 900)).toBeCloseTo(2.8444, 4);
  });

  it('accepts a sweep whose trained runs all use the budget', () => {
    const runs = [run('sft', 1), run('dpo', 160), run('ppo', 40, { ppo }), run('best-of-n', 1)];
    expect(budgetProblems(runs, data, budget)).toEqual([]);
  });

  it('names every run that differs, and a data size off the budget', () => {
    const runs = [
      run('dpo', 200),
      run('ppo', 80, { ppo: { ...ppo, miniBatchSize: 8, ppoEpochs: 4 } }),
    ];
    expect(budgetProblems(runs, { prompts: 1000, completionsPerPrompt: 4 }, budget)).toEqual([
      'data: 1000 prompts × 4 completions = 4000 samples, the budget is 640',
      'dpo: 200 gradient updates, the budget is 160',
      'ppo: 640 gradient updates, the budget is 160 (80 iterations × 8 updates each)',
      'ppo: 1280 samples (80 iterations × 16 rollouts), the budget is 640',
    ]);
  });
});
