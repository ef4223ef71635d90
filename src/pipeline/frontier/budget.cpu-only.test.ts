import { describe, expect, it } from 'vitest';
import {
  type BudgetRun,
  budgetProblems,
  epochsOf,
  fitToBudget,
  ppoUpdatesPerIteration,
  runBudget,
  runCompute,
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

  it('counts each run’s compute: sequences, label presentations (the RM’s included), samples', () => {
    const sweep = { data, evalSamples: 512 };
    // DPO: 160 steps × 16 pairs = 2,560 presentations, 2 sequences each; 640 samples labelled.
    expect(runCompute(run('dpo', 160), sweep)).toEqual({
      updates: 160,
      sequences: 5120,
      labelPresentations: 2560,
      generationSamples: 640,
      rewardScored: 640,
    });
    // Preferred-FT: the chosen completion only.
    expect(runCompute(run('preferred-ft', 160), sweep).sequences).toBe(2560);
    expect(runCompute(run('unlikelihood', 160), sweep).sequences).toBe(5120);
    // PPO: 40 iterations × 16 rollouts × 4 epochs through π_θ; the RM's 450 × 32 = 14,400
    // presentations count; its 640 labelled samples plus 640 rollouts scored.
    const rewardModel = { steps: 450, batchSize: 32 };
    expect(runCompute(run('ppo', 40, { ppo, rewardModel }), sweep)).toEqual({
      updates: 160,
      sequences: 2560,
      labelPresentations: 14400,
      generationSamples: 1280,
      rewardScored: 1280,
    });
    // PPO-GT: no reward model, its rollouts scored by r*.
    expect(runCompute(run('ppo-gt', 40, { ppo }), sweep)).toMatchObject({
      labelPresentations: 0,
      generationSamples: 640,
    });
    // Best-of-N and online DPO differ by design, and say so.
    const bon = runCompute(run('best-of-n', 1, { n: [1, 4, 16], rewardModel }), sweep);
    expect(bon).toMatchObject({ updates: 0, generationSamples: 16 * 512 + 640 });
    expect(bon.byDesign).toMatch(/16 π_ref samples per test prompt/);
    const online = runCompute(run('dpo', 160, { rounds: 3 }), sweep);
    expect(online).toMatchObject({ updates: 160, generationSamples: 1920, rewardScored: 1920 });
    expect(online.byDesign).toMatch(/3 rounds/);
    // The oracle Best-of-N trains no reward model.
    const oracle = runCompute(
      run('best-of-n', 1, { n: [4], select: 'ground-truth', rewardModel }),
      sweep,
    );
    expect(oracle.labelPresentations).toBe(0);
  });

  it('fits a PPO run to the budget (the browser’s sweep), other runs just drop their steps', () => {
    const browser = { updates: 32, samples: 128 };
    // 128 / 16 = 8 iterations of 32 / 8 = 4 epochs over one minibatch of 16.
    const fitted = fitToBudget({ steps: 10, ppo: { batchSize: 16 } }, browser);
    expect(fitted).toEqual({ ppo: { batchSize: 16, miniBatchSize: 16, ppoEpochs: 4 } });
    const r = run('ppo', 8, { ppo: { batchSize: 16, miniBatchSize: 16, ppoEpochs: 4 } });
    expect(runBudget(r, { prompts: 32, completionsPerPrompt: 4 })).toMatchObject(browser);
    expect(fitToBudget({ steps: 10 }, browser)).toEqual({});
    // 128 / 16 = 8 iterations do not divide 36 updates: left as it was, for validation to name.
    expect(fitToBudget({ steps: 10, ppo: {} }, { updates: 36, samples: 128 })).toEqual({
      steps: 10,
      ppo: {},
    });
  });
});
