import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { generate } from '../model/generate';
import type { GPT } from '../model/gpt';
import { maxAbsDiff, testModel } from '../test/helpers';
import { liveTensors } from '../test/leaks';
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

const TOL = 1e-4;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * log softmax of `model`'s next-token logits before each completion token, from one
 * unpadded forward of prompt ‖ completion: [completion.length][V].
 */
async function directLogSoftmax(model: GPT, prompt: number[], completion: number[]) {
  const ids = [...prompt, ...completion];
  const lp = tf.tidy(() =>
    tf.logSoftmax(model.forward(tf.tensor2d([ids], [1, ids.length], 'int32')), -1),
  ); // [1, T, V]
  const rows = (await lp.array()) as number[][][];
  lp.dispose();
  return completion.map((_, j) => rows[0]?.[prompt.length - 1 + j] ?? []);
}

/** KL(p ‖ q) = Σ_v p_v (log p_v − log q_v), from log-probabilities. */
const klOf = (logP: number[], logQ: number[]) =>
  sum(logP.map((lp, v) => Math.exp(lp) * (lp - (logQ[v] ?? NaN))));

describe('evaluation: reward and KL(π_θ ‖ π_ref)', () => {
  it('KL of a model against itself is 0', async () => {
    const m = testModel(1);
    const r = await evaluatePolicy(m, m, PROMPTS, OPTS);
    expect(r.kl).toBeCloseTo(0, 6);
    expect(r.klSample).toBeCloseTo(0, 6);
    expect(r.samples).toHaveLength(2);
    m.dispose();
  });

  it('log-probs match the sampler’s and a direct forward; KL is Σ p·(log p − log q)', async () => {
    const policy = testModel(2);
    const ref = testModel(3, false);
    const live = liveTensors();
    const r = await evaluatePolicy(policy, ref, PROMPTS, OPTS);
    // The sampler (KV cache, left-padded batch) with the same seed draws the same tokens.
    const g = await generate(policy, PROMPTS, GEN);
    expect(r.kl).toBeGreaterThan(0);
    for (const [i, s] of r.samples.entries()) {
      expect(s.tokens).toEqual(g.tokens[i]);
      expect(maxAbsDiff(s.policyLogps, g.logprobs[i] ?? [])).toBeLessThan(TOL);
      const p = await directLogSoftmax(policy, s.prompt, s.tokens);
      const q = await directLogSoftmax(ref, s.prompt, s.tokens);
      const picked = (rows: number[][]) => rows.map((row, j) => row[s.tokens[j] ?? -1] ?? NaN);
      expect(maxAbsDiff(s.policyLogps, picked(p))).toBeLessThan(TOL);
      expect(maxAbsDiff(s.refLogps, picked(q))).toBeLessThan(TOL);
      expect(s.kl).toBeCloseTo(sum(p.map((row, j) => klOf(row, q[j] ?? []))), 4);
      expect(s.reward).toBeGreaterThanOrEqual(0);
    }
    const row = { prompt: [31, 3], completion: [4, 9, 2] };
    const c = await compareModels(policy, ref, [row], 0);
    const p = await directLogSoftmax(policy, row.prompt, row.completion);
    const q = await directLogSoftmax(ref, row.prompt, row.completion);
    expect(
      maxAbsDiff(c.policyLogps[0] ?? [], [p[0]?.[4], p[1]?.[9], p[2]?.[2]] as number[]),
    ).toBeLessThan(TOL);
    expect(
      maxAbsDiff(c.refLogps[0] ?? [], [q[0]?.[4], q[1]?.[9], q[2]?.[2]] as number[]),
    ).toBeLessThan(TOL);
    const kls = p.map((pr, j) => klOf(pr, q[j] ?? []));
    expect(maxAbsDiff(c.kl[0] ?? [], kls)).toBeLessThan(TOL);
    for (const k of kls) expect(k).toBeGreaterThan(0);
    live.expectUnchanged();
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
