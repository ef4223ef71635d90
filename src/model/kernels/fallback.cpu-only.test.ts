// Off WebGPU the kernels' public functions run the stock composition: the same values and
// gradients as the model's original code (one-hot · logits − logSumExp; the tanh GELU).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { takeValues } from '../../test/helpers';
import { maxRelDiff, seededValues } from '../../test/kernelInputs';
import { gelu, geluStock } from './gelu';
import { fusedKernelsActive } from './program';
import { rowMoments, softmaxLastAxis } from './rowOps';
import { targetLogProbs } from './targetLogProb';

describe('kernel fallbacks (CPU backend)', () => {
  it('runs the stock path on the CPU backend', () => {
    expect(tf.getBackend()).toBe('cpu');
    expect(fusedKernelsActive()).toBe(false);
  });

  it('targetLogProbs equals the original composition, values and gradient', async () => {
    const [M, V] = [9, 11];
    const x = tf.tensor2d(seededValues(M * V, 7, 5, true), [M, V]);
    const t = tf.tensor1d([0, 10, 3, 3, 5, 1, 2, 9, 4], 'int32');
    const original = (l: tf.Tensor2D) =>
      tf.sub(tf.sum(tf.mul(l, tf.oneHot(t, V)), -1), tf.logSumExp(l, -1));
    const got = await takeValues(targetLogProbs(x, t));
    expect(got).toEqual(await takeValues(original(x)));
    const g = tf.grad((l: tf.Tensor) => tf.sum(targetLogProbs(l as tf.Tensor2D, t)));
    const g0 = tf.grad((l: tf.Tensor) => tf.sum(original(l as tf.Tensor2D)));
    expect(await takeValues(g(x))).toEqual(await takeValues(g0(x)));
    tf.dispose([x, t]);
  });

  it('targetLogProbs of a hand-computed row: log-softmax([1, 2, 3])[2] = −0.40761', async () => {
    const x = tf.tensor2d([1, 2, 3], [1, 3]);
    const t = tf.tensor1d([2], 'int32');
    expect((await takeValues(targetLogProbs(x, t)))[0]).toBeCloseTo(-0.4076059644, 6);
    tf.dispose([x, t]);
  });

  it('gelu is the stock tanh GELU: gelu(1) = 0.841192, gelu(−1) = −0.158808', async () => {
    const x = tf.tensor1d([1, -1, 0, 3]);
    const got = await takeValues(gelu(x));
    expect(got[0]).toBeCloseTo(0.8411919906, 6);
    expect(got[1]).toBeCloseTo(-0.1588080094, 6);
    expect(got[2]).toBe(0);
    expect(maxRelDiff(got, await takeValues(geluStock(x)))).toBe(0);
    x.dispose();
  });

  it('softmaxLastAxis and rowMoments are tf.softmax and tf.moments', async () => {
    const x = tf.tensor2d([1, 2, 3, 0, 0, Math.log(3)], [2, 3]);
    const p = await takeValues(softmaxLastAxis(x));
    expect(p[3]).toBeCloseTo(0.2, 6); // [1, 1, 3] / 5
    expect(p[5]).toBeCloseTo(0.6, 6);
    expect(p).toEqual(await takeValues(tf.softmax(x)));
    const m = rowMoments(x);
    const mean = await takeValues(m.mean);
    expect(mean[0]).toBe(2);
    expect(mean[1]).toBeCloseTo(Math.log(3) / 3, 6);
    expect((await takeValues(m.variance))[0]).toBeCloseTo(2 / 3, 6);
    x.dispose();
  });
});
