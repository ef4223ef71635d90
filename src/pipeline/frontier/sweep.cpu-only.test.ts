import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../model/config';
import { GPT } from '../../model/gpt';
import { ScalarHead } from '../../model/scalarHead';
import { bestOfNKl } from '../../objectives/bestOfN';
import { liveTensors } from '../../test/leaks';
import { BpeTokenizer } from '../../tokenizer/bpe';
import type { FrontierTask } from './data';
import type { FrontierPoint } from './points';
import { runSweep } from './sweep';
import { parseSweepConfig } from './sweepConfig';

const tokenizer = BpeTokenizer.train('good bad good bad fine good food', 262);
/** A synthetic reward: the share of the completion's letters that are "o". */
const reward = (s: string) => (s.match(/o/g)?.length ?? 0) / Math.max(1, s.length);
const TASK: FrontierTask = {
  tokenizer,
  trainPrompts: ['good', 'bad', 'fine', 'good bad', 'bad good', 'food'],
  evalPrompts: ['bad', 'good', 'fine bad', 'food good'],
  reward,
};

function tinySft(): GPT {
  const config = makeConfig({
    nLayer: 1,
    nHead: 2,
    nEmbd: 16,
    vocabSize: tokenizer.vocabSize,
    blockSize: 24,
  });
  return GPT.create(config, 3);
}

describe('runSweep', () => {
  it('online DPO, 2 samples per prompt, early and validation evaluations, a resumed skip', async () => {
    const sft = tinySft();
    const sweep = parseSweepConfig({
      name: 'online',
      data: { prompts: 6, maxNewTokens: 6 },
      eval: {
        prompts: 4,
        every: 4,
        at: [1],
        samplesPerPrompt: 2,
        validationPrompts: 2,
        maxNewTokens: 6,
      },
      train: { steps: 4, lr: 1e-2, batchSize: 4, warmupSteps: 0 },
      runs: [
        { algorithm: 'sft' },
        { algorithm: 'dpo', beta: 0.1, rounds: 2 },
        { algorithm: 'preferred-ft' },
      ],
    });
    const live = liveTensors();
    const r = await runSweep(
      sweep,
      sft,
      { ...TASK, validationPrompts: ['fine', 'food bad'] },
      { skipRun: (id) => id === 'preferred-ft' },
    );
    live.expectUnchanged();
    sft.dispose();
    expect(r.runs.map((s) => s.runId)).toEqual(['sft', 'online-dpo-beta0.1-r2']);
    const online = r.points.filter((p) => p.runId === 'online-dpo-beta0.1-r2');
    // Step 0, the early evaluation at 1, and the last; 4 prompts × 2 samples each.
    expect(online.map((p) => p.step)).toEqual([0, 1, 4]);
    expect(online.every((p) => p.samples === 8 && p.validationReward !== undefined)).toBe(true);
    const summary = r.runs[1];
    expect(summary?.compute?.byDesign).toMatch(/2 rounds/);
    expect(summary?.best).not.toBeNull();
  });

  it('runs SFT, DPO, Preferred-FT, Unlikelihood and Best-of-N on the same pairs', async () => {
    const sft = tinySft();
    const sweep = parseSweepConfig({
      name: 'tiny',
      data: { prompts: 6, maxNewTokens: 6 },
      eval: { prompts: 4, every: 2, maxNewTokens: 6 },
      train: { steps: 4, lr: 1e-2, batchSize: 4, warmupSteps: 0 },
      runs: [
        { algorithm: 'sft' },
        { algorithm: 'dpo', beta: 0.1 },
        { algorithm: 'dpo', loss: 'ipo', beta: 0.5, steps: 3 },
        { algorithm: 'preferred-ft' },
        { algorithm: 'unlikelihood', alpha: 0.5, evalEvery: 4 },
        { algorithm: 'best-of-n', n: [1, 2, 4], select: 'ground-truth' },
      ],
    });
    const live = liveTensors();
    const streamed: FrontierPoint[] = [];
    const ended: string[] = [];
    let pairs = 0;
    const r = await runSweep(sweep, sft, TASK, {
      onPoint: (p) => streamed.push(p),
      onRunEnd: (s) => ended.push(s.runId),
      onPairs: (n) => {
        pairs = n;
      },
    });
    live.expectUnchanged();
    expect(r.stopped).toBe(false);
    expect(pairs).toBeGreaterThan(0);
    expect(r.pairs).toBe(pairs);
    expect(streamed).toEqual(r.points);
    expect(ended).toEqual([
      'sft',
      'dpo-beta0.1',
      'ipo-beta0.5',
      'preferred-ft',
      'unlikelihood-alpha0.5',
      'best-of-n-oracle',
    ]);

    const steps = (id: string) => r.points.filter((p) => p.runId === id).map((p) => p.step);
    expect(steps('sft')).toEqual([0]);
    expect(steps('dpo-beta0.1')).toEqual([0, 2, 4]);
    expect(steps('ipo-beta0.5')).toEqual([0, 2, 3]);
    expect(steps('preferred-ft')).toEqual([0, 2, 4]);
    expect(steps('unlikelihood-alpha0.5')).toEqual([0, 4]);

    // Step 0 is the SFT model itself: KL exactly 0, the same reward for every run.
    const sftPoint = r.points[0] as FrontierPoint;
    for (const p of r.points.filter((q) => q.step === 0 && q.klKind === 'exact')) {
      expect(p.kl).toBe(0);
      expect(p.reward).toBe(sftPoint.reward);
      expect(p.samples).toBe(4);
    }
    for (const p of r.points.filter((q) => q.step > 0)) {
      expect(Number.isFinite(p.kl)).toBe(true);
      expect(p.kl).toBeGreaterThan(0);
      expect(Number.isFinite(p.reward)).toBe(true);
      expect(p.rewardStderr).toBeGreaterThanOrEqual(0);
      expect(p.sample).toMatch(/^bad ⟶ /);
    }
    const bon = r.points.filter((p) => p.algorithm === 'best-of-n');
    expect(bon.map((p) => [p.n, p.kl, p.klKind])).toEqual(
      [1, 2, 4].map((n) => [n, bestOfNKl(n), 'analytic']),
    );
    // An oracle's best of 4 is no worse than its first sample, prompt by prompt.
    expect(bon[2]?.reward).toBeGreaterThanOrEqual(bon[0]?.reward ?? 1);
    expect(r.runs.map((s) => s.points)).toEqual([1, 3, 3, 3, 2, 3]);
    expect(r.runs[1]?.final?.step).toBe(4);
    // The replicate seed on every point; each trained run's budget; DPO's implicit reward
    // model measured on held-out pairs (test prompts), a share in [0, 1].
    for (const p of r.points) expect(p.seed).toBe(1);
    expect(r.runs[0]?.budget).toBeUndefined();
    expect(r.runs[1]?.budget).toMatchObject({ updates: 4, samples: 24 }); // 6 prompts × K = 4
    expect(r.runs[3]?.budget?.epochs).toBeCloseTo((4 * 4) / pairs, 12);
    const implicit = r.runs[1]?.heldOutAccuracy;
    expect(implicit?.kind).toBe('implicit');
    expect(implicit?.pairs).toBeGreaterThan(0);
    expect(implicit?.accuracy).toBeGreaterThanOrEqual(0);
    expect(implicit?.accuracy).toBeLessThanOrEqual(1);
    expect(r.runs[3]?.heldOutAccuracy).toBeUndefined(); // Preferred-FT has no reward model
    sft.dispose();
  });

  it('trains PPO against a learned reward model and PPO-GT against r*, and stops on request', async () => {
    const sft = tinySft();
    const sweep = parseSweepConfig({
      name: 'tiny-rl',
      data: { prompts: 6, maxNewTokens: 6 },
      eval: { prompts: 4, every: 1, maxNewTokens: 6 },
      train: { steps: 2, lr: 1e-3, batchSize: 4 },
      runs: [
        {
          algorithm: 'ppo',
          ppo: { batchSize: 4, miniBatchSize: 2, ppoEpochs: 1 },
          rewardModel: { steps: 3, batchSize: 4 },
        },
        { algorithm: 'best-of-n', n: [1, 2], rewardModel: { steps: 3, batchSize: 4 } },
        { algorithm: 'ppo-gt', steps: 5, ppo: { batchSize: 4, miniBatchSize: 4, ppoEpochs: 1 } },
      ],
    });
    // ScalarHead.create may keep its bias initialiser alive: count what one head leaves, for
    // the three heads here (one reward model shared by PPO and Best-of-N, two value heads).
    const probe = tf.memory().numTensors;
    ScalarHead.create(4).dispose();
    const perHead = tf.memory().numTensors - probe;
    const live = liveTensors();
    const rmLogs: number[] = [];
    let ppoGtSteps = 0;
    const r = await runSweep(sweep, sft, TASK, {
      onLog: (runId, phase, step) => {
        if (phase === 'reward-model') rmLogs.push(step);
        if (runId === 'ppo-gt' && phase === 'train') ppoGtSteps = step;
      },
      shouldStop: () => ppoGtSteps >= 3,
    });
    live.expectUnchanged(3 * perHead);
    // One reward model serves PPO and Best-of-N (same settings).
    expect(rmLogs).toEqual([3]);
    expect(r.stopped).toBe(true);
    const steps = (id: string) => r.points.filter((p) => p.runId === id).map((p) => p.step);
    expect(steps('ppo')).toEqual([0, 1, 2]);
    expect(steps('ppo-gt')).toEqual([0, 1, 2, 3]);
    expect(r.points.filter((p) => p.runId === 'best-of-n').map((p) => p.n)).toEqual([1, 2]);
    for (const p of r.points) expect(Number.isFinite(p.reward) && Number.isFinite(p.kl)).toBe(true);
    // The reward model's held-out pair accuracy, reported by both runs that use it.
    const rm = r.runs.map((s) => s.heldOutAccuracy);
    expect(rm[0]?.kind).toBe('reward-model');
    expect(rm[1]).toEqual(rm[0]);
    sft.dispose();
  });
});
