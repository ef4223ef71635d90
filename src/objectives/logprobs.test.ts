import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { logSoftmaxRow } from '../model/sampling';
import { maxAbsDiff, seededIds, values } from '../test/helpers';
import { reduceLogps, sequenceLogProbs, splitPairs, tokenLogProbs } from './logprobs';

describe('completion log-probs', () => {
  const N = 2;
  const T = 5;
  const V = 7;
  const logitValues = seededIds(N * T * V, 1000, 9).map((x) => (x - 500) / 100);
  const idValues = seededIds(N * T, V, 4);

  it('tokenLogProbs[t] = log-softmax(logits[t])[ids[t+1]]', async () => {
    const logits = tf.tensor3d(logitValues, [N, T, V]);
    const ids = tf.tensor2d(idValues, [N, T], 'int32');
    const got = await values(tokenLogProbs(logits, ids));
    const expected: number[] = [];
    for (let n = 0; n < N; n++) {
      for (let t = 0; t < T - 1; t++) {
        const row = logitValues.slice((n * T + t) * V, (n * T + t + 1) * V);
        expected.push(logSoftmaxRow(row)[idValues[n * T + t + 1] ?? 0] ?? 0);
      }
    }
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-5);
    tf.dispose([logits, ids]);
  });

  it('sums only completion tokens; prompt and padding are masked', async () => {
    const tok = tf.tensor2d([
      [-1, -2, -4, -8],
      [-1, -2, -4, -8],
    ]);
    // Row 0: prompt 2 tokens, completion 3. Row 1: prompt 1, completion 2, then 2 pads.
    const mask = tf.tensor2d([
      [0, 0, 1, 1, 1],
      [0, 1, 1, 0, 0],
    ]);
    const s = sequenceLogProbs(tok, mask);
    expect(await values(s.sum)).toEqual([-14, -3]);
    expect(await values(s.count)).toEqual([3, 2]);
    expect(maxAbsDiff(await values(reduceLogps(s, 'mean')), [-14 / 3, -1.5])).toBeLessThan(1e-6);
    const [a, b] = splitPairs(s.sum);
    expect(await values(a)).toEqual([-14]);
    expect(await values(b)).toEqual([-3]);
  });

  it('gradient of a token log-prob is onehot − softmax', async () => {
    const logits = tf.tensor3d([
      [
        [0.5, -1, 2],
        [0, 0, 0],
      ],
    ]);
    const ids = tf.tensor2d([[0, 2]], [1, 2], 'int32');
    const g = tf.grad((l: tf.Tensor) => tf.sum(tokenLogProbs(l as tf.Tensor3D, ids)))(logits);
    const p = logSoftmaxRow([0.5, -1, 2]).map(Math.exp);
    const expected = [-(p[0] ?? 0), -(p[1] ?? 0), 1 - (p[2] ?? 0), 0, 0, 0];
    expect(maxAbsDiff(await values(g), expected)).toBeLessThan(1e-6);
    tf.dispose([logits, ids, g]);
  });
});
