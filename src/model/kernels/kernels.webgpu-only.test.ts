// The fused WebGPU kernels against the stock tfjs ops evaluated on the CPU backend: forward
// values and gradients, random inputs with ±80 logits and masked (zero-weight) rows.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { takeValues } from '../../test/helpers';
import { maxRelDiff, seededValues } from '../../test/kernelInputs';
import { liveTensors } from '../../test/leaks';
import { gelu, geluStock } from './gelu';
import { rowMoments, softmaxLastAxis, softmaxStock } from './rowOps';
import { targetLogProbs, targetLogProbsStock } from './targetLogProb';

const TOL = 1e-4;

/** Runs f on the CPU backend and returns its arrays, then switches back to WebGPU. */
async function onCpu(f: () => tf.Tensor[]): Promise<number[][]> {
  await tf.setBackend('cpu');
  try {
    const ts = tf.tidy(f);
    const out = await Promise.all(ts.map(async (t) => Array.from(await t.data())));
    tf.dispose(ts);
    return out;
  } finally {
    await tf.setBackend('webgpu');
  }
}

describe('fused target log-prob (WebGPU)', () => {
  const M = 37;
  const V = 53;
  const logits = seededValues(M * V, 1, 6, true);
  const targets = seededValues(M, 2, 1).map((u) => Math.floor(((u + 1) / 2) * V));
  // Row weights with masked rows (0), as completion masks give.
  const weights = seededValues(M, 3, 1).map((u, i) => (i % 4 === 1 ? 0 : u));

  const lossAndGrad = (f: typeof targetLogProbs) => (): tf.Tensor[] => {
    const x = tf.tensor2d(logits, [M, V]);
    const t = tf.tensor1d(targets, 'int32');
    const w = tf.tensor1d(weights);
    const logp = f(x, t);
    const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx as tf.Tensor2D, t), w)))(x);
    return [logp, g];
  };

  it('matches the stock composition on the CPU backend: values and dlogits', async () => {
    expect(tf.getBackend()).toBe('webgpu');
    const [want, wantGrad] = await onCpu(lossAndGrad(targetLogProbsStock));
    const [got, gotGrad] = await takeValues(tf.tidy(lossAndGrad(targetLogProbs)));
    expect(got).toHaveLength(M);
    expect(maxRelDiff(got ?? [], want ?? [])).toBeLessThan(TOL);
    expect(maxRelDiff(gotGrad ?? [], wantGrad ?? [])).toBeLessThan(TOL);
    // A masked row gets exactly zero gradient; a row's gradient sums to 0 (softmax − one-hot).
    const row1 = (gotGrad ?? []).slice(V, 2 * V);
    expect(row1.every((v) => v === 0)).toBe(true);
    const row0 = (gotGrad ?? []).slice(0, V).reduce((a, b) => a + b, 0);
    expect(Math.abs(row0)).toBeLessThan(1e-5);
  });

  it('is exact on a hand-computed row and finite for logits of ±80', async () => {
    // log-softmax([0, ln 3])[1] = ln 3 − ln 4; row 2: a +80 target among −80s gives ≈ 0.
    const x = tf.tensor2d([0, Math.log(3), 0, 80, -80, -80], [2, 3]);
    const got = await takeValues([targetLogProbs(x, tf.tensor1d([1, 0], 'int32'))]);
    expect(got[0]?.[0]).toBeCloseTo(Math.log(3) - Math.log(2 + 3), 5);
    expect(got[0]?.[1]).toBeCloseTo(0, 5);
    x.dispose();
  });

  it('frees everything it allocates, forward and backward', () => {
    const x = tf.tensor2d(logits, [M, V]);
    const t = tf.tensor1d(targets, 'int32');
    const live = liveTensors();
    const g = tf.tidy(() =>
      tf.grad((xx: tf.Tensor) => tf.sum(targetLogProbs(xx as tf.Tensor2D, t)))(x),
    );
    live.expectUnchanged(1); // only the gradient
    g.dispose();
    tf.dispose([x, t]);
  });
});

describe('fused GELU (WebGPU)', () => {
  const n = 3 * 5 * 41;
  const xs = seededValues(n, 4, 6, true);
  const dys = seededValues(n, 5, 2);

  const valueAndGrad = (f: typeof gelu) => (): tf.Tensor[] => {
    const x = tf.tensor3d(xs, [3, 5, 41]);
    const dy = tf.tensor3d(dys, [3, 5, 41]);
    const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx), dy)))(x);
    return [f(x), g];
  };

  it('matches the stock composition on the CPU backend, incl. |x| = 80', async () => {
    const [want, wantGrad] = await onCpu(valueAndGrad(geluStock));
    const [got, gotGrad] = await takeValues(tf.tidy(valueAndGrad(gelu)));
    expect(maxRelDiff(got ?? [], want ?? [])).toBeLessThan(TOL);
    expect(maxRelDiff(gotGrad ?? [], wantGrad ?? [])).toBeLessThan(TOL);
    // gelu(80) = 80 and gelu(−80) = 0, both present among the inputs.
    const big = xs.flatMap((x, i) => (Math.abs(x) === 80 ? [[x, got?.[i] ?? Number.NaN]] : []));
    expect(new Set(big.map(([x]) => x))).toEqual(new Set([80, -80]));
    for (const [x, y] of big) expect(Math.abs((y ?? 0) - Math.max(0, x ?? 0))).toBe(0);
  });

  it('keeps the input shape and frees its intermediates', () => {
    const x = tf.tensor2d(xs.slice(0, 6), [2, 3]);
    const live = liveTensors();
    const y = tf.tidy(() => gelu(x));
    expect(y.shape).toEqual([2, 3]);
    live.expectUnchanged(1);
    tf.dispose([x, y]);
  });
});

describe('fused row softmax and moments (WebGPU)', () => {
  const shape: [number, number, number] = [4, 9, 23];
  const n = shape[0] * shape[1] * shape[2];
  // Attention-like rows: a −1e9 masked tail on every third row, ±80 values elsewhere.
  const xs = seededValues(n, 8, 4, true).map((v, i) =>
    Math.floor(i / shape[2]) % 3 === 0 && i % shape[2] > 15 ? -1e9 : v,
  );
  const dys = seededValues(n, 9, 2);

  const softmaxCase = (f: typeof softmaxLastAxis) => (): tf.Tensor[] => {
    const x = tf.tensor3d(xs, shape);
    const dy = tf.tensor3d(dys, shape);
    return [f(x), tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx), dy)))(x)];
  };

  it('softmax matches tf.softmax on the CPU backend: values and gradients', async () => {
    const [want, wantGrad] = await onCpu(softmaxCase(softmaxStock));
    const [got, gotGrad] = await takeValues(tf.tidy(softmaxCase(softmaxLastAxis)));
    expect(maxRelDiff(got ?? [], want ?? [])).toBeLessThan(TOL);
    expect(maxRelDiff(gotGrad ?? [], wantGrad ?? [])).toBeLessThan(TOL);
    expect(got?.[16 + 2]).toBe(0); // a masked key gets exactly 0
  });

  // Moderate values: LayerNorm inputs (variance of ±80 outliers is fine, but keep C small).
  const ms = seededValues(n, 10, 3);
  const momentsCase = (f: typeof rowMoments) => (): tf.Tensor[] => {
    const x = tf.tensor3d(ms, shape);
    const w = tf.tensor3d(dys.slice(0, n / shape[2]), [shape[0], shape[1], 1]);
    const loss = (xx: tf.Tensor) => {
      const m = f(xx);
      return tf.add(tf.sum(tf.mul(m.mean, w)), tf.sum(tf.mul(m.variance, tf.square(w))));
    };
    const m = f(x);
    return [m.mean, m.variance, tf.grad(loss)(x)];
  };

  it('moments match tf.moments on the CPU backend: mean, variance and gradient', async () => {
    const stock = (x: tf.Tensor) => tf.moments(x, -1, true);
    const [wm, wv, wg] = await onCpu(momentsCase(stock));
    const [gm, gv, gg] = await takeValues(tf.tidy(momentsCase(rowMoments)));
    expect(maxRelDiff(gm ?? [], wm ?? [])).toBeLessThan(TOL);
    expect(maxRelDiff(gv ?? [], wv ?? [])).toBeLessThan(TOL);
    expect(maxRelDiff(gg ?? [], wg ?? [])).toBeLessThan(TOL);
  });
});
