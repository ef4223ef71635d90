import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { values } from '../test/helpers';
import { log1mexp, logSigmoid } from './stable';

describe('stable log σ and log(1 − eˣ)', () => {
  it('log σ matches float64 and never overflows', async () => {
    const z = [-1e4, -100, -5, 0, 5, 100, 1e4];
    const y = await values(logSigmoid(tf.tensor1d(z)));
    expect(y[0]).toBeCloseTo(-1e4, 0);
    expect(y[1]).toBeCloseTo(-100, 3);
    expect(y[2]).toBeCloseTo(-Math.log1p(Math.exp(5)), 5);
    expect(y[3]).toBeCloseTo(-Math.LN2, 6);
    expect(y[4]).toBeCloseTo(-Math.log1p(Math.exp(-5)), 5);
    expect(y[5]).toBeCloseTo(0, 6);
    expect(y[6]).toBeCloseTo(0, 12);
  });

  it('d/dz log σ(z) = σ(−z): 0.5 at 0, 1 and 0 at the extremes', async () => {
    const g = tf.grad((z: tf.Tensor) => tf.sum(logSigmoid(z)));
    const y = await values(g(tf.tensor1d([-1e4, 0, 1e4, 2])));
    expect(y[0]).toBeCloseTo(1, 6);
    expect(y[1]).toBeCloseTo(0.5, 6);
    expect(y[2]).toBeCloseTo(0, 6);
    expect(y[3]).toBeCloseTo(1 / (1 + Math.exp(2)), 6);
  });

  it('log(1 − eˣ) matches float64 on both branches, with finite gradients', async () => {
    const x = [-1e-3, -0.3, -Math.LN2, -1, -5, -30];
    const y = await values(log1mexp(tf.tensor1d(x)));
    x.forEach((v, i) => {
      expect(y[i]).toBeCloseTo(Math.log(-Math.expm1(v)), 4);
    });
    const g = tf.grad((t: tf.Tensor) => tf.sum(log1mexp(t)));
    const dy = await values(g(tf.tensor1d([0, -1e-8, -0.5, -50])));
    for (const d of dy) expect(Number.isFinite(d)).toBe(true);
    // d/dx log(1 − eˣ) = −eˣ/(1 − eˣ): at −0.5 that is −1.541494.
    expect(dy[2]).toBeCloseTo(-Math.exp(-0.5) / (1 - Math.exp(-0.5)), 4);
  });
});
