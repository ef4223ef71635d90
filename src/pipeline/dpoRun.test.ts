import { describe, expect, it } from 'vitest';
import { makeConfig } from '../model/config';
import { GPT } from '../model/gpt';
import { tokenizedPairs } from '../test/helpers';
import { liveTensors } from '../test/leaks';
import { BpeTokenizer } from '../tokenizer/bpe';
import { assertFiniteSnapshot, DEFAULT_DPO_SETTINGS, DpoRun, NonFiniteError } from './dpoRun';
import type { InspectorPair, MetricPoint } from './views';

describe('DpoRun', () => {
  it('samples pairs from π_ref, trains, evaluates, and cleans up', async () => {
    const tokenizer = BpeTokenizer.train('good bad good bad fine', 260);
    const sft = GPT.create(
      makeConfig({ nLayer: 1, nHead: 2, nEmbd: 16, vocabSize: tokenizer.vocabSize, blockSize: 24 }),
      3,
    );
    const live = liveTensors();
    const points: MetricPoint[] = [];
    let pairsTotal = 0;
    let inspected: InspectorPair[] = [];
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
        rounds: 1, // offline: one set of pairs from π_ref (onlineDpo tests the rounds)
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
          inspected = pairs;
        },
      },
    );
    expect(pairsTotal).toBeGreaterThan(0);
    // Step 0 evaluation: π_θ = π_ref, so KL is 0.
    expect(points[0]?.['eval/kl']).toBeCloseTo(0, 5);
    expect(points[0]?.['eval/reward']).toBe(points[0]?.['eval/ref_reward']);
    // The same samples, so the same fluency (or none, when no sample has a whole word).
    expect(points[0]?.['eval/fluency']).toBe(points[0]?.['eval/ref_fluency']);
    while (!run.done) await run.trainStep();
    const logged = points.filter((p) => 'loss' in p);
    expect(logged.map((p) => p.step)).toEqual([1, 2, 4]);
    expect(logged[0]?.loss).toBeCloseTo(Math.LN2, 4);
    expect(logged[0]?.['rewards/accuracies']).toBe(0);
    expect(inspected.length).toBeGreaterThan(0);
    // The inspector shows the loss's own rewards: β·Δ for DPO.
    for (const p of inspected) {
      expect(p.rewardChosen).toBeCloseTo(p.beta * (p.policyChosen - p.refChosen), 4);
      expect(p.rewardRejected).toBeCloseTo(p.beta * (p.policyRejected - p.refRejected), 4);
    }
    const evals = points.filter((p) => 'eval/kl' in p);
    expect(evals.map((p) => p.step)).toEqual([0, 4]);
    const c = run.config;
    run.update({
      ...c,
      loss: { ...c.loss, beta: 0.5 },
      optim: { ...c.optim, lr: 1e-3 },
      steps: 99,
    });
    expect(run.config.loss.beta).toBe(0.5);
    expect(run.config.optim.lr).toBe(1e-3);
    expect(run.config.steps).toBe(4); // not live: a prepared run keeps it
    run.dispose();
    live.expectUnchanged();
    sft.dispose();
  });
});

describe('DpoRun resume and given data', () => {
  const tokenizer = BpeTokenizer.train('good bad good bad fine', 260);
  const settings = {
    ...DEFAULT_DPO_SETTINGS,
    steps: 4,
    batchSize: 2,
    logEvery: 1,
    eval: { every: 100, prompts: 1, maxNewTokens: 4, temperature: 1 },
  };
  const texts = [
    { prompt: 'good', chosen: ' good', rejected: ' bad' },
    { prompt: 'fine', chosen: ' good good', rejected: ' bad bad' },
    { prompt: 'bad', chosen: ' fine', rejected: ' bad' },
  ];
  const data = tokenizedPairs(tokenizer, texts);
  const task = { tokenizer, trainPrompts: [], evalPrompts: ['good'] };

  it('trains on given pairs without a reward and reports KL only', async () => {
    const sft = GPT.create(
      makeConfig({ nLayer: 1, nHead: 2, nEmbd: 16, vocabSize: tokenizer.vocabSize, blockSize: 16 }),
      5,
    );
    const points: MetricPoint[] = [];
    const run = await DpoRun.prepare(
      sft,
      task,
      settings,
      { onMetrics: (p) => points.push(p) },
      { data },
    );
    expect(points[0]).toEqual({ step: 0, phase: 'dpo', 'eval/kl': 0, 'eval/kl_sample': 0 });
    while (!run.done) await run.trainStep();
    expect(points.filter((p) => 'loss' in p).map((p) => p.step)).toEqual([1, 2, 3, 4]);
    run.dispose();
    sft.dispose();
  });

  it('resumes from a snapshot exactly where it stopped (weights, Adam slots, batch order)', async () => {
    const sft = GPT.create(
      makeConfig({ nLayer: 1, nHead: 2, nEmbd: 16, vocabSize: tokenizer.vocabSize, blockSize: 16 }),
      6,
    );
    const lossesA: number[] = [];
    const a = await DpoRun.prepare(
      sft,
      task,
      settings,
      { onMetrics: (p) => typeof p.loss === 'number' && lossesA.push(p.loss) },
      { data },
    );
    await a.trainStep();
    await a.trainStep();
    const snap = await a.snapshot();
    expect(snap.step).toBe(2);
    expect(snap.optimizer.length).toBe(1 + 2 * a.policy.variables().length);
    await a.trainStep();
    await a.trainStep();
    const finalA = await a.snapshot();
    a.dispose();

    const live = liveTensors();
    const lossesB: number[] = [];
    const b = await DpoRun.prepare(
      sft,
      task,
      settings,
      { onMetrics: (p) => typeof p.loss === 'number' && lossesB.push(p.loss) },
      { data, resume: snap, cache: a.referenceCache() },
    );
    expect(b.step).toBe(2);
    await b.trainStep();
    await b.trainStep();
    expect(lossesB).toHaveLength(2);
    for (const [i, l] of lossesB.entries()) {
      expect(l).toBeCloseTo(lossesA[i + 2] ?? Number.NaN, 5);
    }
    const finalB = await b.snapshot();
    for (const [name, p] of Object.entries(finalA.params)) {
      const q = finalB.params[name]?.data ?? new Float32Array();
      let maxDiff = 0;
      p.data.forEach((v, i) => {
        maxDiff = Math.max(maxDiff, Math.abs(v - (q[i] ?? Number.NaN)));
      });
      expect(maxDiff, name).toBeLessThan(1e-5);
    }
    b.dispose();
    live.expectUnchanged();
    sft.dispose();
  });
});

describe('DpoRun with a non-finite loss', () => {
  const tokenizer = BpeTokenizer.train('good bad good bad fine', 260);
  const texts = [
    { prompt: 'good', chosen: ' good', rejected: ' bad' },
    { prompt: 'fine', chosen: ' good good', rejected: ' bad bad' },
  ];
  const data = tokenizedPairs(tokenizer, texts);
  const settings = {
    ...DEFAULT_DPO_SETTINGS,
    steps: 40,
    batchSize: 2,
    logEvery: 1,
    optim: { ...DEFAULT_DPO_SETTINGS.optim, warmupSteps: 0 },
    eval: { every: 1000, prompts: 1, maxNewTokens: 2, temperature: 1 },
  };

  it('throws NonFiniteError on the log step, and restore() rolls back to the good snapshot', async () => {
    const sft = GPT.create(
      makeConfig({ nLayer: 1, nHead: 2, nEmbd: 16, vocabSize: tokenizer.vocabSize, blockSize: 16 }),
      8,
    );
    const logged: number[] = [];
    const run = await DpoRun.prepare(
      sft,
      { tokenizer, trainPrompts: [], evalPrompts: ['good'] },
      settings,
      { onMetrics: (p) => typeof p.loss === 'number' && logged.push(p.step) },
      { data },
    );
    await run.trainStep();
    await run.trainStep();
    const good = await run.snapshot();
    // Absurd (the controls refuse it): the next update overflows float32.
    run.update({ ...run.config, optim: { ...run.config.optim, lr: 1e10 } });
    let caught: unknown = null;
    try {
      while (!run.done) await run.trainStep();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NonFiniteError);
    const e = caught as NonFiniteError;
    expect(e.step).toBeGreaterThan(2);
    expect(Number.isFinite(e.value)).toBe(false);
    // The bad step's point was never reported.
    expect(logged).toEqual(Array.from({ length: e.step - 1 }, (_, i) => i + 1));
    // Its weights are not checkpointable.
    await expect(run.snapshot()).rejects.toBeInstanceOf(NonFiniteError);

    await run.restore(good);
    expect(run.step).toBe(2);
    const back = await run.snapshot();
    for (const [name, p] of Object.entries(good.params)) {
      expect(Array.from(back.params[name]?.data ?? []), name).toEqual(Array.from(p.data));
    }
    expect(back.optimizer.map((w) => w.name)).toEqual(good.optimizer.map((w) => w.name));
    for (const [i, w] of good.optimizer.entries()) {
      expect(Array.from(back.optimizer[i]?.data ?? []), w.name).toEqual(Array.from(w.data));
    }
    run.dispose();
    sft.dispose();
  });

  it('assertFiniteSnapshot names the first bad array', () => {
    const snap = {
      step: 7,
      params: { wte: { shape: [2], data: Float32Array.from([1, 2]) } },
      optimizer: [{ name: 'wte/m', shape: [2], data: Float32Array.from([0, Number.NaN]) }],
    };
    expect(() => assertFiniteSnapshot(snap)).toThrow('optimizer slot wte/m became NaN at step 7');
    snap.optimizer = [];
    expect(() => assertFiniteSnapshot(snap)).not.toThrow();
  });
});
