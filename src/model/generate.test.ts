import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tokenLogProbs } from '../objectives/logprobs';
import { testModel, values } from '../test/helpers';
import { liveTensors } from '../test/leaks';
import { generate, plainSampling } from './generate';

const PROMPTS = [[31, 4, 9, 2], [31], [31, 7, 7]];
const BASE = { temperature: 1, topK: 0, topP: 1, maxNewTokens: 8, seed: 3, eotId: 31 };

describe('generate', () => {
  it('plainSampling keeps the whole distribution (no top-k, no top-p cut)', () => {
    const o = plainSampling({ temperature: 0.7, maxNewTokens: 4, seed: 3, eotId: 0, padId: 1 });
    expect(o).toEqual({
      temperature: 0.7,
      topK: 0,
      topP: 1,
      maxNewTokens: 4,
      seed: 3,
      eotId: 0,
      padId: 1,
    });
  });

  it('is reproducible for a seed and differs across seeds', async () => {
    const m = testModel(5);
    const a = await generate(m, PROMPTS, BASE);
    const b = await generate(m, PROMPTS, BASE);
    const c = await generate(m, PROMPTS, { ...BASE, seed: 4 });
    expect(a.tokens).toEqual(b.tokens);
    expect(a.tokens).not.toEqual(c.tokens);
    expect(a.tokens.every((t, i) => t.length === 8 || a.finished[i])).toBe(true);
    m.dispose();
  });

  it('KV-cached log-probs equal a full forward of each finished sequence', async () => {
    const m = testModel(6);
    const g = await generate(m, PROMPTS, { ...BASE, maxNewTokens: 10 });
    for (let i = 0; i < PROMPTS.length; i++) {
      const prompt = PROMPTS[i] ?? [];
      const completion = g.tokens[i] ?? [];
      const seq = [...prompt, ...completion];
      const ids = tf.tensor2d([seq], [1, seq.length], 'int32');
      const logits = m.forward(ids);
      const lp = await values(tokenLogProbs(logits, ids));
      const expected = lp.slice(prompt.length - 1);
      const got = g.logprobs[i] ?? [];
      expect(got.length).toBe(expected.length);
      got.forEach((x, t) => {
        expect(Math.abs(x - (expected[t] ?? 0))).toBeLessThan(1e-4);
      });
      tf.dispose([ids, logits]);
    }
    m.dispose();
  });

  it('stops a row at end-of-text and keeps the token', async () => {
    const m = testModel(7);
    const greedy = { ...BASE, temperature: 0 };
    const first = await generate(m, [[31, 4]], { ...greedy, maxNewTokens: 1 });
    const eot = first.tokens[0]?.[0] ?? -1;
    const g = await generate(m, [[31, 4]], { ...greedy, eotId: eot });
    expect(g.tokens[0]).toEqual([eot]);
    expect(g.finished[0]).toBe(true);
    m.dispose();
  });

  it('caps new tokens at the context and leaks no tensor', async () => {
    const m = testModel(8);
    const live = liveTensors();
    const long = Array.from({ length: 14 }, (_, i) => i % 30);
    const g = await generate(m, [long], { ...BASE, maxNewTokens: 50, eotId: 99 });
    expect(g.tokens[0]?.length).toBe(16 - 14);
    live.expectUnchanged();
    await expect(generate(m, [Array(16).fill(1)], BASE)).rejects.toThrow(/context/);
    m.dispose();
  });
});
