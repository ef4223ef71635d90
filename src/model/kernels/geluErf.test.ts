import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { GPT } from '../gpt';
import { gelu } from './gelu';
import { geluErf, geluErfStock } from './geluErf';
import fixture from './geluErf.fixture.json';

/**
 * Exact GELU against torch (float64 values and autograd gradients, geluErf.fixture.json made
 * with torch 2.13): on the CPU project the stock tf.erf form, on WebGPU the fused kernel.
 */
async function valuesAndGrads(f: (x: tf.Tensor) => tf.Tensor) {
  const x = tf.tensor1d(fixture.x);
  const y = f(x);
  const g = tf.grad((v: tf.Tensor) => tf.sum(f(v)))(x);
  const out = { y: Array.from(await y.data()), g: Array.from(await g.data()) };
  tf.dispose([x, y, g]);
  return out;
}

const maxDiff = (a: number[], b: number[]) =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? Number.NaN))), 0);

describe(`exact erf GELU on ${tf.getBackend()}`, () => {
  it('matches torch.nn.functional.gelu and its gradient', async () => {
    const ours = await valuesAndGrads(geluErf);
    // float32 and the 1.5e-7 erf formula: |Δ| a few 1e-6 at |x| = 12.
    expect(maxDiff(ours.y, fixture.gelu)).toBeLessThan(5e-6);
    expect(maxDiff(ours.g, fixture.grad)).toBeLessThan(5e-6);
    // …and it is not the tanh form, which is 2.3e-4 away at these points.
    const tanh = await valuesAndGrads(gelu);
    expect(maxDiff(tanh.y, fixture.gelu)).toBeGreaterThan(1e-4);
    expect(maxDiff(tanh.y, fixture.tanh)).toBeLessThan(5e-6);
  });

  it('agrees with the stock composition on random inputs, values and gradients', async () => {
    const x = tf.randomNormal([3, 5, 64], 0, 3, 'float32', 5);
    const dy = tf.randomNormal([3, 5, 64], 0, 1, 'float32', 6);
    const pair = (f: (v: tf.Tensor) => tf.Tensor) => {
      const y = f(x);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), dy)))(x);
      return [y, g] as const;
    };
    const [y1, g1] = pair(geluErf);
    const [y2, g2] = pair(geluErfStock);
    expect(y1.shape).toEqual([3, 5, 64]);
    expect(maxDiff(Array.from(await y1.data()), Array.from(await y2.data()))).toBeLessThan(1e-5);
    expect(maxDiff(Array.from(await g1.data()), Array.from(await g2.data()))).toBeLessThan(1e-5);
    tf.dispose([x, dy, y1, g1, y2, g2]);
  });

  it("a model with activation 'gelu' differs from the same weights with gelu_new", async () => {
    const cfg = makeConfig({ preset: 'nano', vocabSize: 64, blockSize: 16 });
    const init = GPT.create(cfg, 3, false);
    // c_fc scaled up so that pre-activations reach |x| ≈ 1, where the two forms differ.
    const big = new Map<string, tf.Tensor>();
    for (const [n, v] of init.params) big.set(n, n.endsWith('mlp.c_fc.weight') ? tf.mul(v, 50) : v);
    const a = GPT.fromTensors(cfg, big, false);
    const b = GPT.fromTensors({ ...cfg, activation: 'gelu' }, big, false);
    for (const [n, t] of big) if (n.endsWith('mlp.c_fc.weight')) t.dispose();
    init.dispose();
    const ids = tf.tensor2d([[1, 5, 9, 13, 2, 7]], [1, 6], 'int32');
    const [la, lb] = [a.forward(ids), b.forward(ids)];
    const d = maxDiff(Array.from(await la.data()), Array.from(await lb.data()));
    expect(d).toBeGreaterThan(1e-5);
    expect(d).toBeLessThan(0.1);
    tf.dispose([ids, la, lb]);
    a.dispose();
    b.dispose();
  });
});
