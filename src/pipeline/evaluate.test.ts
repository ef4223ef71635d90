import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { testModel } from '../test/helpers';
import { compareModels, evaluatePolicy } from './evaluate';

const PROMPTS = [
  [31, 3, 5],
  [31, 8],
];
const GEN = { temperature: 1, topK: 0, topP: 1, maxNewTokens: 6, seed: 2, eotId: 31 };
const OPTS = {
  generation: GEN,
  padId: 0,
  decode: (ids: number[]) => ids.map((i) => String.fromCharCode(97 + (i % 26))).join(''),
  // A toy reward: the share of the letter "a".
  reward: (s: string) => (s.length ? s.split('a').length - 1 : 0) / Math.max(1, s.length),
};

describe('evaluation: reward and KL(π_θ ‖ π_ref)', () => {
  it('KL of a model against itself is 0', async () => {
    const m = testModel(1);
    const r = await evaluatePolicy(m, m, PROMPTS, OPTS);
    expect(r.kl).toBeCloseTo(0, 6);
    expect(r.klSample).toBeCloseTo(0, 6);
    expect(r.samples).toHaveLength(2);
    m.dispose();
  });

  it('per-token KL is non-negative and log-probs match the sampler’s', async () => {
    const policy = testModel(2);
    const ref = testModel(3, false);
    const before = tf.memory().numTensors;
    const r = await evaluatePolicy(policy, ref, PROMPTS, OPTS);
    expect(r.kl).toBeGreaterThan(0);
    for (const s of r.samples) {
      expect(s.kl).toBeGreaterThanOrEqual(0);
      expect(s.policyLogps).toHaveLength(s.tokens.length);
      expect(s.reward).toBeGreaterThanOrEqual(0);
    }
    const c = await compareModels(policy, ref, [{ prompt: [31, 3], completion: [4, 9, 2] }], 0);
    for (const k of c.kl[0] ?? []) expect(k).toBeGreaterThanOrEqual(-1e-6);
    expect(c.policyLogps[0]).toHaveLength(3);
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
    ref.dispose();
  });

  it('fluency: the share of corpus words, the last word of a cut sample left out', async () => {
    const m = testModel(4);
    // Odd ids decode to a corpus word, even ids to a non-word; one word per token.
    const decode = (ids: number[]) => ids.map((i) => (i % 2 ? 'good' : 'qzx')).join(' ');
    const r = await evaluatePolicy(m, m, PROMPTS, { ...OPTS, decode });
    let known = 0;
    let total = 0;
    for (const s of r.samples) {
      const words = s.tokens.filter((id) => id !== GEN.eotId);
      expect(s.cut).toBe(s.tokens.at(-1) !== GEN.eotId);
      if (s.cut) words.pop();
      known += words.filter((id) => id % 2 === 1).length;
      total += words.length;
    }
    expect(total).toBeGreaterThan(0);
    expect(r.fluency).toBeCloseTo(known / total, 12);
    m.dispose();
  });
});
