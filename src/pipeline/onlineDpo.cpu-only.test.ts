import type * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../model/config';
import { GPT } from '../model/gpt';
import { tokenizedPairs } from '../test/helpers';
import { liveTensors } from '../test/leaks';
import { BpeTokenizer } from '../tokenizer/bpe';
import { DEFAULT_DPO_SETTINGS, DpoRun } from './dpoRun';
import { precomputeReference } from './preferenceTrainer';
import { mixWeights, refSyncDue } from './refSync';
import type { MetricPoint, PairPreview } from './views';

const tokenizer = BpeTokenizer.train('good bad good bad fine', 260);
const tiny = (seed: number) =>
  GPT.create(
    makeConfig({ nLayer: 1, nHead: 2, nEmbd: 16, vocabSize: tokenizer.vocabSize, blockSize: 24 }),
    seed,
  );

describe('TR-DPO reference refresh', () => {
  it('the soft update is α·π_θ + (1−α)·π_ref weight by weight; α = 1 copies', async () => {
    const ref = tiny(1);
    const policy = tiny(2);
    const before = new Map<string, Float32Array>();
    for (const [n, v] of ref.params) before.set(n, Float32Array.from(await v.data()));
    mixWeights(ref, policy, 0.3);
    for (const [n, v] of ref.params) {
      const got = await v.data();
      const src = await (policy.params.get(n) as tf.Variable).data();
      const old = before.get(n) as Float32Array;
      let maxErr = 0;
      got.forEach((x, i) => {
        maxErr = Math.max(maxErr, Math.abs(x - (0.3 * (src[i] ?? 0) + 0.7 * (old[i] ?? 0))));
      });
      expect(maxErr, n).toBeLessThan(1e-6);
    }
    mixWeights(ref, policy, 1);
    for (const [n, v] of ref.params) {
      expect(Array.from(await v.data()), n).toEqual(
        Array.from(await (policy.params.get(n) as tf.Variable).data()),
      );
    }
    expect(() => mixWeights(ref, policy, 0)).toThrow('α');
    expect([1, 2, 3, 4].map((s) => refSyncDue(s, 2))).toEqual([false, true, false, true]);
    expect(refSyncDue(4, 0)).toBe(false);
    ref.dispose();
    policy.dispose();
  });

  it('after a hard refresh the next batch has implicit rewards 0 and loss ln 2', async () => {
    const texts = [
      { prompt: 'good', chosen: ' good', rejected: ' bad' },
      { prompt: 'fine', chosen: ' good good', rejected: ' bad bad' },
    ];
    const data = tokenizedPairs(tokenizer, texts);
    const sft = tiny(4);
    const points: MetricPoint[] = [];
    const run = await DpoRun.prepare(
      sft,
      { tokenizer, trainPrompts: [], evalPrompts: ['good', 'bad'] },
      {
        ...DEFAULT_DPO_SETTINGS,
        steps: 3,
        batchSize: 2,
        logEvery: 1,
        refSyncSteps: 2,
        refMixupAlpha: 1,
        optim: { ...DEFAULT_DPO_SETTINGS.optim, lr: 1e-2, warmupSteps: 0 },
        eval: { every: 2, prompts: 2, maxNewTokens: 4, temperature: 1 },
      },
      { onMetrics: (p) => points.push(p) },
      { data },
    );
    while (!run.done) await run.trainStep();
    const step = (s: number) => points.find((p) => p.step === s && 'loss' in p) as MetricPoint;
    expect(Math.abs(Number(step(2)['rewards/margins']))).toBeGreaterThan(1e-3); // π_θ moved
    expect(step(3)['rewards/chosen']).toBeCloseTo(0, 5);
    expect(step(3)['rewards/rejected']).toBeCloseTo(0, 5);
    expect(step(3).loss).toBeCloseTo(Math.LN2, 5);
    // Evaluated right after the refresh: KL to the new π_ref is 0, to the SFT model it is not.
    const ev = points.find((p) => p.step === 2 && 'eval/kl' in p) as MetricPoint;
    expect(ev['eval/kl_ref']).toBeCloseTo(0, 4);
    expect(Number(ev['eval/kl'])).toBeGreaterThan(1e-4);
    run.dispose();
    sft.dispose();
  });
});

describe('online DPO rounds', () => {
  it('samples round 2 from π_θ at the boundary, marks it, and keeps π_ref the SFT model', async () => {
    const sft = tiny(3);
    const points: MetricPoint[] = [];
    let table: PairPreview[] = [];
    let total = 0;
    const live = liveTensors();
    const run = await DpoRun.prepare(
      sft,
      {
        tokenizer,
        trainPrompts: ['good', 'bad', 'fine', 'good bad', 'bad good', 'fine good'],
        evalPrompts: ['bad', 'good'],
        reward: (s) => (s.match(/o/g)?.length ?? 0) / Math.max(1, s.length),
      },
      {
        ...DEFAULT_DPO_SETTINGS,
        steps: 4,
        rounds: 2,
        batchSize: 4,
        logEvery: 1,
        data: { ...DEFAULT_DPO_SETTINGS.data, prompts: 6, maxNewTokens: 6 },
        eval: { every: 100, prompts: 2, maxNewTokens: 6, temperature: 1 },
      },
      {
        onMetrics: (p) => points.push(p),
        onPairs: (p, t) => {
          table = p;
          total = t;
        },
      },
    );
    const round1 = total;
    expect(round1).toBeGreaterThan(0);
    expect(table.every((p) => p.round === 1)).toBe(true);
    expect(points[0]).toEqual({ step: 0, phase: 'dpo', round: 1 });
    expect(run.roundLength).toBe(2);
    await run.trainStep();
    expect(run.round).toBe(1);
    await run.trainStep(); // step 2 ends round 1: evaluate, then sample round 2 from π_θ
    expect(run.round).toBe(2);
    expect(points.filter((p) => 'round' in p).map((p) => [p.step, p.round])).toEqual([
      [0, 1],
      [2, 2],
    ]);
    expect(points.some((p) => p.step === 2 && 'eval/reward' in p)).toBe(true);
    const round2 = run.data.preview.length;
    expect(total).toBe(round1 + round2);
    expect(table.slice(0, round2).every((p) => p.round === 2)).toBe(true);
    expect(table.slice(round2).every((p) => p.round === 1)).toBe(true);
    // π_ref is still the SFT model: its cached log-prob of a round-2 pair is the SFT model's.
    const cache = run.referenceCache();
    expect(cache.round).toBe(2);
    expect(cache.refLogps).toHaveLength(run.data.pairs.length);
    const collate = { padId: tokenizer.eot, maxLength: 24 };
    const fromSft = await precomputeReference(sft, run.data.pairs, collate, 16);
    for (const [i, r] of fromSft.entries()) {
      expect(cache.refLogps[i]?.chosen).toBeCloseTo(r.chosen, 5);
    }
    while (!run.done) await run.trainStep();
    expect(points.filter((p) => 'round' in p)).toHaveLength(2); // no round after the last step
    run.dispose();
    live.expectUnchanged();
    sft.dispose();
  });
});

describe('online DPO resumed', () => {
  it('a run resumed inside round 2 samples round 2 again from the restored π_θ and finishes', async () => {
    const sft = tiny(5);
    const task = {
      tokenizer,
      trainPrompts: ['good', 'bad', 'fine', 'good bad'],
      evalPrompts: ['bad'],
      reward: (s: string) => (s.match(/o/g)?.length ?? 0) / Math.max(1, s.length),
    };
    const settings = {
      ...DEFAULT_DPO_SETTINGS,
      steps: 4,
      rounds: 2,
      batchSize: 2,
      logEvery: 1,
      data: { ...DEFAULT_DPO_SETTINGS.data, prompts: 4, maxNewTokens: 5 },
      eval: { every: 100, prompts: 1, maxNewTokens: 4, temperature: 1 },
    };
    const a = await DpoRun.prepare(sft, task, settings);
    const round1 = a.data; // what the run store saves: the pairs the run began with
    await a.trainStep();
    await a.trainStep(); // round 2 begins
    await a.trainStep();
    const snap = await a.snapshot();
    a.dispose();

    const points: MetricPoint[] = [];
    const b = await DpoRun.prepare(
      sft,
      task,
      settings,
      { onMetrics: (p) => points.push(p) },
      { data: round1, resume: snap },
    );
    expect(b.step).toBe(3);
    expect(b.round).toBe(2);
    expect(b.data.preview.every((p) => p.round === 2)).toBe(true);
    expect(points.filter((p) => 'round' in p).map((p) => [p.step, p.round])).toEqual([[2, 2]]);
    await b.trainStep();
    expect(b.done).toBe(true);
    expect(points.filter((p) => 'loss' in p).map((p) => p.step)).toEqual([4]);
    b.dispose();
    sft.dispose();
  });
});
