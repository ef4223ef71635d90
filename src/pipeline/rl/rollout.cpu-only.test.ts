import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { generate } from '../../model/generate';
import { ScalarHead } from '../../model/scalarHead';
import { testModel, values } from '../../test/helpers';
import { liveTensors } from '../../test/leaks';
import {
  completionLogps,
  layoutRollout,
  policyValues,
  rolloutTensors,
  rowsTensor,
  toRows,
} from './rollout';

describe('layoutRollout', () => {
  it('left-pads prompts and right-pads completions to one column for token j', () => {
    const l = layoutRollout([[31, 4], [31]], [[5], [6, 7, 8]], 0);
    expect([l.rows, l.promptLength, l.completionLength]).toEqual([2, 2, 3]);
    expect(Array.from(l.ids)).toEqual([31, 4, 5, 0, 0, 0, 31, 6, 7, 8]);
    expect(Array.from(l.attentionMask)).toEqual([1, 1, 1, 0, 0, 0, 1, 1, 1, 1]);
    expect(l.completionMask).toEqual([
      [1, 0, 0],
      [1, 1, 1],
    ]);
    expect(() => layoutRollout([[31]], [], 0)).toThrow('need one completion per prompt');
  });

  it('row helpers round-trip', async () => {
    expect(toRows([1, 2, 3, 4, 5, 6], 2, 3)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const t = rowsTensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [2, 0],
    );
    expect(await t.array()).toEqual([
      [5, 6],
      [1, 2],
    ]);
    t.dispose();
  });
});

describe('policyValues / completionLogps', () => {
  it('give the sampler’s log-probs and the unpadded sequence’s values per completion token', async () => {
    const m = testModel(6);
    const head = ScalarHead.create(16, 3);
    const prompts = [[31, 4, 9, 2], [31], [31, 7, 7]];
    const g = await generate(m, prompts, {
      temperature: 1,
      topK: 0,
      topP: 1,
      maxNewTokens: 5,
      seed: 11,
      eotId: 30,
    });
    const live = liveTensors();
    const layout = layoutRollout(prompts, g.tokens, 0);
    const t = rolloutTensors(layout);
    const pv = policyValues(m, head, t, layout, false);
    const ref = completionLogps(m, t, layout);
    const L = layout.completionLength;
    const lp = toRows(await pv.logps.data(), 3, L);
    const lpRef = toRows(await ref.data(), 3, L);
    const v = toRows(await pv.values.data(), 3, L);
    for (let i = 0; i < 3; i++) {
      const prompt = prompts[i] ?? [];
      const completion = g.tokens[i] ?? [];
      const perPos = tf.tidy(() => {
        const seq = tf.tensor2d([[...prompt, ...completion]], undefined, 'int32');
        return head.perPosition(m.forwardHidden(seq, { withLogits: false }).hidden);
      });
      const expectedV = await values(perPos);
      perPos.dispose();
      completion.forEach((_, j) => {
        expect(lp[i]?.[j]).toBeCloseTo(g.logprobs[i]?.[j] ?? Number.NaN, 4);
        expect(lpRef[i]?.[j]).toBeCloseTo(g.logprobs[i]?.[j] ?? Number.NaN, 4);
        // V of the state before token j: the head at unpadded position |prompt| − 1 + j.
        expect(v[i]?.[j]).toBeCloseTo(expectedV[prompt.length - 1 + j] ?? Number.NaN, 4);
      });
    }
    tf.dispose([t.ids, t.attentionMask, pv.logps, pv.values, ref]);
    live.expectUnchanged();
    head.dispose();
    m.dispose();
  });
});
