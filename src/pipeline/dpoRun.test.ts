import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../model/config';
import { GPT } from '../model/gpt';
import { BpeTokenizer } from '../tokenizer/bpe';
import type { MetricPoint } from '../worker/views';
import { DEFAULT_DPO_SETTINGS, DpoRun } from './dpoRun';

describe('DpoRun', () => {
  it('samples pairs from π_ref, trains, evaluates, and cleans up', async () => {
    const tokenizer = BpeTokenizer.train('good bad good bad fine', 260);
    const sft = GPT.create(
      makeConfig({ nLayer: 1, nHead: 2, nEmbd: 16, vocabSize: tokenizer.vocabSize, blockSize: 24 }),
      3,
    );
    const before = tf.memory().numTensors;
    const points: MetricPoint[] = [];
    let pairsTotal = 0;
    let inspected = 0;
    const run = await DpoRun.prepare(
      sft,
      {
        tokenizer,
        trainPrompts: ['good', 'bad', 'fine', 'good bad'],
        evalPrompts: ['bad', 'good'],
        // A toy reward: the share of letters that are "o".
        reward: (s) => (s.match(/o/g)?.length ?? 0) / Math.max(1, s.length),
      },
      {
        ...DEFAULT_DPO_SETTINGS,
        steps: 4,
        batchSize: 4,
        logEvery: 2,
        data: { ...DEFAULT_DPO_SETTINGS.data, prompts: 4, maxNewTokens: 6 },
        eval: { every: 4, prompts: 2, maxNewTokens: 6, temperature: 1 },
      },
      {
        onMetrics: (p) => points.push(p),
        onPairs: (_p, total) => {
          pairsTotal = total;
        },
        onInspector: (pairs) => {
          inspected = pairs.length;
        },
      },
    );
    expect(pairsTotal).toBeGreaterThan(0);
    // Step 0 evaluation: π_θ = π_ref, so KL is 0.
    expect(points[0]?.['eval/kl']).toBeCloseTo(0, 5);
    expect(points[0]?.['eval/reward']).toBe(points[0]?.['eval/ref_reward']);
    while (!run.done) await run.trainStep();
    const logged = points.filter((p) => 'loss' in p);
    expect(logged.map((p) => p.step)).toEqual([1, 2, 4]);
    expect(logged[0]?.loss).toBeCloseTo(Math.LN2, 4);
    expect(logged[0]?.['rewards/accuracies']).toBe(0);
    expect(inspected).toBeGreaterThan(0);
    const evals = points.filter((p) => 'eval/kl' in p);
    expect(evals.map((p) => p.step)).toEqual([0, 4]);
    run.update({ beta: 0.5, steps: 5 });
    expect(run.done).toBe(false);
    expect(run.config.loss.beta).toBe(0.5);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    sft.dispose();
  });
});
