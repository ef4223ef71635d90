import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, testModel, values } from '../test/helpers';
import { liveTensors } from '../test/leaks';
import { lastTokenOneHot, ScalarHead } from './scalarHead';

describe('GPT.forwardHidden', () => {
  it('returns ln_f hidden states whose LM head gives forward’s logits', async () => {
    const m = testModel(3);
    const ids = tf.tensor2d([[31, 4, 9, 2]], [1, 4], 'int32');
    const live = liveTensors();
    const out = m.forwardHidden(ids);
    const noLogits = m.forwardHidden(ids, { withLogits: false });
    expect(out.hidden.shape).toEqual([1, 4, 16]);
    expect(out.logits?.shape).toEqual([1, 4, 32]);
    expect(noLogits.logits).toBeUndefined();
    expect(maxAbsDiff(await values(out.hidden), await values(noLogits.hidden))).toBe(0);
    const logits = m.forward(ids);
    expect(maxAbsDiff(await values(out.logits ?? logits), await values(logits))).toBeLessThan(1e-6);
    // Tied head: logits = hidden · wteᵀ.
    const manual = tf.tidy(() =>
      tf.matMul(
        tf.reshape(out.hidden, [4, 16]),
        m.params.get('wte.weight') as tf.Tensor,
        false,
        true,
      ),
    );
    expect(maxAbsDiff(await values(manual), await values(logits))).toBeLessThan(1e-5);
    // ln_f output: each position has mean ≈ 0 (γ = 1, β = 0 at init).
    const meanT = tf.mean(out.hidden, -1);
    for (const x of await values(meanT)) expect(Math.abs(x)).toBeLessThan(1e-5);
    tf.dispose([out.hidden, out.logits ?? [], noLogits.hidden, logits, manual, meanT]);
    live.expectUnchanged();
    ids.dispose();
    m.dispose();
  });
});

describe('lastTokenOneHot', () => {
  it('finds the last real token under left and right padding', async () => {
    const mask = tf.tensor2d([
      [0, 0, 1, 1, 1], // left-padded
      [1, 1, 1, 0, 0], // right-padded
      [0, 1, 1, 0, 0], // both
      [1, 1, 1, 1, 1],
    ]);
    const oh = lastTokenOneHot(mask);
    expect(await oh.array()).toEqual([
      [0, 0, 0, 0, 1],
      [0, 0, 1, 0, 0],
      [0, 0, 1, 0, 0],
      [0, 0, 0, 0, 1],
    ]);
    tf.dispose([mask, oh]);
  });
});

describe('ScalarHead', () => {
  it('initialises weight N(0, 0.02) [C, 1] and bias 0', async () => {
    const head = ScalarHead.create(512, 4);
    expect(head.weight.shape).toEqual([512, 1]);
    expect(head.bias.shape).toEqual([1]);
    const w = await values(head.weight);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(sd).toBeGreaterThan(0.017);
    expect(sd).toBeLessThan(0.023);
    expect(await values(head.bias)).toEqual([0]);
    const again = ScalarHead.create(512, 4);
    expect(maxAbsDiff(await values(again.weight), w)).toBe(0);
    head.dispose();
    again.dispose();
  });

  it('is h·w + b per position, and reads the last real token whatever the padding', async () => {
    const m = testModel(9);
    const head = ScalarHead.create(16, 2);
    head.bias.assign(tf.tensor1d([0.25]));
    const seq = [31, 7, 3, 12];
    const PAD = 0;
    const ids = tf.tensor2d(
      [
        [...seq, PAD, PAD], // right-padded
        [PAD, PAD, ...seq], // left-padded
      ],
      [2, 6],
      'int32',
    );
    const mask = tf.tensor2d([
      [1, 1, 1, 1, 0, 0],
      [0, 0, 1, 1, 1, 1],
    ]);
    const live = liveTensors();
    const { hidden } = m.forwardHidden(ids, { attentionMask: mask, withLogits: false });
    const perPos = head.perPosition(hidden);
    expect(perPos.shape).toEqual([2, 6]);
    const last = head.atLastToken(hidden, mask);
    expect(last.shape).toEqual([2]);
    const pp = await values(perPos);
    const manual = tf.tidy(() =>
      tf.add(tf.matMul(tf.reshape(hidden, [12, 16]), head.weight), 0.25),
    );
    expect(maxAbsDiff(pp, await values(manual))).toBeLessThan(1e-6);
    const got = await values(last);
    expect(got[0]).toBeCloseTo(pp[3] ?? Number.NaN, 6); // row 0, position 3
    expect(got[1]).toBeCloseTo(pp[6 + 5] ?? Number.NaN, 6); // row 1, position 5
    // The same score as the unpadded sequence's last position.
    const plain = tf.tensor2d([seq], [1, 4], 'int32');
    const h1 = m.forwardHidden(plain, { withLogits: false }).hidden;
    const ref = await values(head.perPosition(h1));
    expect(got[0]).toBeCloseTo(ref[3] ?? Number.NaN, 4);
    expect(got[1]).toBeCloseTo(ref[3] ?? Number.NaN, 4);
    tf.dispose([hidden, perPos, last, manual, plain, h1]);
    live.expectUnchanged(1); // the head.perPosition(h1) result
    tf.dispose([ids, mask]);
    head.dispose();
    m.dispose();
  });

  it('pooled: sums h·w + b over the masked positions only', async () => {
    const m = testModel(4);
    const head = ScalarHead.create(16, 3);
    const ids = tf.tensor2d([[31, 7, 3, 12, 0]], [1, 5], 'int32');
    const attention = tf.tensor2d([[1, 1, 1, 1, 0]]);
    const completion = tf.tensor2d([[0, 0, 1, 1, 0]]); // positions 2 and 3
    const { hidden } = m.forwardHidden(ids, { attentionMask: attention, withLogits: false });
    const pp = await values(head.perPosition(hidden));
    const pooled = await values(head.pooled(hidden, completion));
    expect(pooled).toHaveLength(1);
    expect(pooled[0]).toBeCloseTo((pp[2] ?? Number.NaN) + (pp[3] ?? Number.NaN), 6);
    expect(Math.abs((pooled[0] ?? 0) - (pp[3] ?? 0))).toBeGreaterThan(1e-4); // not the last alone
    tf.dispose([hidden, ids, attention, completion]);
    head.dispose();
    m.dispose();
  });

  it('passes gradients to its weights and the trunk through the gathered token', async () => {
    const m = testModel(2);
    const head = ScalarHead.create(16, 1);
    const ids = tf.tensor2d([[31, 4, 5, 0]], [1, 4], 'int32');
    const mask = tf.tensor2d([[1, 1, 1, 0]]);
    const { grads } = tf.variableGrads(
      () =>
        tf.sum(
          head.atLastToken(m.forwardHidden(ids, { attentionMask: mask }).hidden, mask),
        ) as tf.Scalar,
      [...head.variables(), ...m.variables()],
    );
    expect(await values(grads[head.bias.name] ?? tf.scalar(0))).toEqual([1]);
    // d/dw = hidden at position 2 (the last real token).
    const h = m.forwardHidden(ids, { attentionMask: mask }).hidden;
    const h2 = await values(tf.slice(h, [0, 2, 0], [1, 1, 16]));
    expect(maxAbsDiff(await values(grads[head.weight.name] ?? tf.scalar(0)), h2)).toBeLessThan(
      1e-5,
    );
    const wte = await values(grads[m.params.get('wte.weight')?.name ?? ''] ?? tf.scalar(0));
    expect(wte.some((g) => g !== 0)).toBe(true);
    // Token 0 appears only as padding after the last real token: its wte row gets nothing.
    expect(wte.slice(0, 16).every((g) => g === 0)).toBe(true);
    tf.dispose([...Object.values(grads), ids, mask, h]);
    head.dispose();
    m.dispose();
  });
});
