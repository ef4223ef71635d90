import { describe, expect, it } from 'vitest';
import { liveTensors } from '../test/leaks';
import { SftRun, type SftSettings, sftLearningRate } from './sftRun';
import type { MetricPoint } from './views';

const docs = Array.from({ length: 40 }, (_, i) =>
  i % 2 ? 'the film was great and the cast was wonderful' : 'the plot was dull and the acting bad',
);
const settings: SftSettings = {
  preset: 'nano',
  vocabSize: 300,
  blockSize: 16,
  steps: 30,
  batchSize: 4,
  lr: 1e-2,
  warmupSteps: 3,
  maxGradNorm: 1,
  seed: 3,
  logEvery: 10,
};

describe('sftLearningRate', () => {
  it('warms up linearly, then decays by a cosine to 10 % of the peak', () => {
    const s = { lr: 1, steps: 13, warmupSteps: 3 };
    expect(sftLearningRate(0, s)).toBeCloseTo(1 / 3, 12);
    expect(sftLearningRate(2, s)).toBeCloseTo(1, 12);
    expect(sftLearningRate(3, s)).toBeCloseTo(1, 12); // p = 0: 0.1 + 0.9
    expect(sftLearningRate(8, s)).toBeCloseTo(0.55, 12); // p = 1/2: cos = 0
    expect(sftLearningRate(13, s)).toBeCloseTo(0.1, 12); // p = 1
  });
});

describe('SftRun', () => {
  it('learns a tokenizer and lowers the next-token loss of a repetitive corpus', async () => {
    const points: MetricPoint[] = [];
    const stages = new Set<string>();
    const run = SftRun.create(docs, docs.slice(0, 4), settings, {
      onMetrics: (p) => points.push(p),
      onProgress: (stage) => stages.add(stage),
    });
    expect(run.tokenizer.vocabSize).toBeLessThanOrEqual(300);
    const before = await run.heldOutLoss(2);
    // Untrained: close to ln V (uniform next-token guess).
    expect(Math.abs(before - Math.log(run.model.config.vocabSize))).toBeLessThan(0.5);
    await run.trainStep(); // Adam creates its moment variables here
    const live = liveTensors();
    while (!run.done) await run.trainStep();
    live.expectUnchanged();
    const after = await run.heldOutLoss(2);
    expect(after).toBeLessThan(before - 1.5);
    expect(points.map((p) => p.step)).toEqual([1, 10, 20, 30]);
    expect(points.every((p) => p.phase === 'sft' && Number.isFinite(p.loss))).toBe(true);
    expect([...stages].sort()).toEqual(['tokenizer', 'training']);
    run.dispose();
  });
});
