import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { scalar } from '../test/helpers';
import { leakCheckEach } from '../test/leaks';
import { clippedPolicyLoss, clippedValueLoss, maskedMean } from './ppo';

const one = (x: number) => tf.tensor2d([[x]]);

describe('PPO losses: hand-computed values and gradients', () => {
  leakCheckEach();

  // ε = 0.2. loss = max(−A·ρ, −A·clip(ρ, 0.8, 1.2)); where the unclipped term wins,
  // ∂loss/∂log π = −A·ρ, where the clipped term wins the gradient is 0.
  const cases = [
    { name: 'inside, A > 0', ratio: 1.1, adv: 2, loss: -2.2, grad: -2.2, clipfrac: 0 },
    { name: 'above 1+ε, A > 0: clipped', ratio: 1.5, adv: 2, loss: -2.4, grad: 0, clipfrac: 1 },
    {
      name: 'above 1+ε, A < 0: pessimistic',
      ratio: 1.5,
      adv: -1,
      loss: 1.5,
      grad: 1.5,
      clipfrac: 0,
    },
    { name: 'below 1−ε, A > 0: pessimistic', ratio: 0.5, adv: 2, loss: -1, grad: -1, clipfrac: 0 },
    { name: 'below 1−ε, A < 0: clipped', ratio: 0.5, adv: -1, loss: 0.8, grad: 0, clipfrac: 1 },
  ];
  for (const c of cases) {
    it(`clipped surrogate, ratio ${c.name}`, async () => {
      const old = one(-2);
      const logp = one(-2 + Math.log(c.ratio));
      const adv = one(c.adv);
      const mask = one(1);
      const out = clippedPolicyLoss(logp, old, adv, mask, 0.2);
      expect(await scalar(out.loss)).toBeCloseTo(c.loss, 5);
      expect(await scalar(out.clipfrac)).toBe(c.clipfrac);
      // ½·(log ρ)²
      expect(await scalar(out.approxKl)).toBeCloseTo(0.5 * Math.log(c.ratio) ** 2, 6);
      const g = tf.grad(
        (x: tf.Tensor) => clippedPolicyLoss(x as tf.Tensor2D, old, adv, mask, 0.2).loss,
      )(logp);
      expect(await scalar(g)).toBeCloseTo(c.grad, 5);
    });
  }

  it('clipped surrogate: a masked token adds nothing, the mean is over real tokens', async () => {
    const logp = tf.tensor2d([[Math.log(1.1), 50]]);
    const old = tf.tensor2d([[0, 0]]);
    const adv = tf.tensor2d([[2, 7]]);
    const mask = tf.tensor2d([[1, 0]]);
    const out = clippedPolicyLoss(logp, old, adv, mask, 0.2);
    expect(await scalar(out.loss)).toBeCloseTo(-2.2, 5);
    const g = tf.grad(
      (x: tf.Tensor) => clippedPolicyLoss(x as tf.Tensor2D, old, adv, mask, 0.2).loss,
    )(logp);
    const gv = Array.from(await g.data());
    expect(gv[0]).toBeCloseTo(-2.2, 5);
    expect(Math.abs(gv[1] ?? Number.NaN)).toBe(0);
  });

  // ε_v = 0.2, V_old = 0, R = 1. loss = ½·max((V − R)², (V_clip − R)²).
  const valueCases = [
    // V = 0.1 is inside: both 0.81, loss 0.405, ∂/∂V = V − R = −0.9.
    { v: 0.1, loss: 0.405, grad: -0.9, clipfrac: 0 },
    // V = 0.5 → V_clip = 0.2: max(0.25, 0.64) = 0.64 (clipped), loss 0.32, gradient 0.
    { v: 0.5, loss: 0.32, grad: 0, clipfrac: 1 },
    // V = −0.5 → V_clip = −0.2: max(2.25, 1.44) = 2.25 (unclipped), loss 1.125, ∂/∂V = −1.5.
    { v: -0.5, loss: 1.125, grad: -1.5, clipfrac: 0 },
  ];
  for (const c of valueCases) {
    it(`clipped value loss at V = ${c.v}`, async () => {
      const old = one(0);
      const ret = one(1);
      const mask = one(1);
      const v = one(c.v);
      const out = clippedValueLoss(v, old, ret, mask, 0.2);
      expect(await scalar(out.loss)).toBeCloseTo(c.loss, 5);
      expect(await scalar(out.clipfrac)).toBe(c.clipfrac);
      const g = tf.grad(
        (x: tf.Tensor) => clippedValueLoss(x as tf.Tensor2D, old, ret, mask, 0.2).loss,
      )(v);
      expect(await scalar(g)).toBeCloseTo(c.grad, 5);
    });
  }

  it('maskedMean divides by the real-token count', async () => {
    const m = maskedMean(tf.tensor2d([[1, 2, 30]]), tf.tensor2d([[1, 1, 0]]));
    expect(await scalar(m)).toBeCloseTo(1.5, 6);
    expect(await scalar(maskedMean(tf.tensor2d([[5]]), tf.tensor2d([[0]])))).toBe(0);
  });
});
