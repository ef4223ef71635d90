// The fused causal attention (kernels/attention.ts) against the stock composition gpt.ts runs
// elsewhere: values and gradients on the CPU backend, the KV-cache step against a full
// forward, and cached sampling against an uncached loop. Runs in the cpu project only: it
// loads tfjs-backend-wasm and switches to it.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeValues } from '../../test/helpers';
import { maxRelDiff, seededValues } from '../../test/kernelInputs';
import { makeConfig } from '../config';
import { generate } from '../generate';
import { GPT } from '../gpt';
import { mulberry32 } from '../rng';
import { sampleToken } from '../sampling';
import {
  ATTENTION_GRAD_KERNEL,
  ATTENTION_KERNEL,
  attentionFused,
  attentionFusedActive,
  attentionFusedStep,
} from './attention';
import { prepareWasm } from './wasm';

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-wasm');
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
  prepareWasm();
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

async function onCpu(f: () => tf.Tensor[]): Promise<number[][]> {
  await tf.setBackend('cpu');
  try {
    return await takeValues(tf.tidy(f));
  } finally {
    await tf.setBackend('wasm');
  }
}

function expectClose(got: number[][], want: number[][], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(maxRelDiff(g, want[i] ?? [])).toBeLessThan(tol);
  });
}

/** gpt.ts's stock attention on c_attn's output: qkv [B, T, 3C], keyMask [B, T] → [B, T, C]. */
function stockAttention(qkv: tf.Tensor3D, keyMask: tf.Tensor2D, nh: number): tf.Tensor3D {
  const [B, T, C3] = qkv.shape;
  const C = C3 / 3;
  const hs = C / nh;
  const [q, k, v] = tf
    .split(qkv, 3, 2)
    .map((z) => tf.transpose(tf.reshape(z, [B, T, nh, hs]), [0, 2, 1, 3])) as tf.Tensor4D[];
  const causal = tf.linalg.bandPart(tf.ones([T, T]), -1, 0).reshape([1, 1, T, T]);
  const allowed = tf.mul(causal, tf.reshape(keyMask, [B, 1, 1, T]));
  const bias = tf.mul(tf.sub(1, allowed), -1e9);
  const scores = tf.add(
    tf.mul(tf.matMul(q as tf.Tensor4D, k as tf.Tensor4D, false, true), 1 / Math.sqrt(hs)),
    bias,
  );
  const y = tf.matMul(tf.softmax(scores), v as tf.Tensor4D); // [B, nh, T, hs]
  return tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B, T, C]) as tf.Tensor3D;
}

describe('fused causal attention on WASM', () => {
  const [B, T, C, nh] = [3, 7, 12, 3];
  const qkvValues = seededValues(B * T * 3 * C, 81, 2);
  const dyValues = seededValues(B * T * C, 82, 1);
  // Row 0 full, row 1 right-padded, row 2 left-padded (its first queries see no key at all).
  const maskValues = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1];

  const run = (f: typeof stockAttention) => () => {
    const qkv = tf.tensor3d(qkvValues, [B, T, 3 * C]);
    const mask = tf.tensor2d(maskValues, [B, T]);
    const dy = tf.tensor3d(dyValues, [B, T, C]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(f(x as tf.Tensor3D, mask, nh), dy)))(qkv);
    return [f(qkv, mask, nh), g];
  };

  it('values and the gradient in q, k, v equal the stock ops on the CPU backend', async () => {
    expect(attentionFusedActive()).toBe(true);
    const kernels = (await tf.profile(() => tf.tidy(run(attentionFused)))).kernels.map(
      (k) => k.name,
    );
    expect(kernels).toContain(ATTENTION_KERNEL);
    expect(kernels).toContain(ATTENTION_GRAD_KERNEL);
    const got = await takeValues(tf.tidy(run(attentionFused)));
    const want = await onCpu(run(stockAttention));
    expectClose(got, want, 1e-5);
    // A padded key gets no gradient from the rows that can see real keys.
    expect(got[1]?.[(1 * T + 6) * 3 * C + C]).toBe(0);
  });

  it('the gradient matches central finite differences of the fused forward', async () => {
    const qkv = tf.tensor3d(qkvValues, [B, T, 3 * C]);
    const mask = tf.tensor2d(maskValues, [B, T]);
    const dy = tf.tensor3d(dyValues, [B, T, C]);
    const loss = (x: tf.Tensor) => tf.sum(tf.mul(attentionFused(x as tf.Tensor3D, mask, nh), dy));
    const g = await tf.grad(loss)(qkv).data();
    const base = Float32Array.from(qkvValues);
    const eps = 1e-2;
    for (const idx of [
      0,
      5,
      C + 3,
      2 * C + 7,
      3 * C * 4 + 2,
      3 * C * 9 + C + 1,
      3 * C * 20 + 2 * C,
    ]) {
      const at = async (d: number) => {
        const v = base.slice();
        v[idx] = (v[idx] as number) + d;
        const t = tf.tensor3d(v, [B, T, 3 * C]);
        const l = loss(t);
        const r = (await l.data())[0] as number;
        tf.dispose([t, l]);
        return r;
      };
      const fd = ((await at(eps)) - (await at(-eps))) / (2 * eps);
      expect(Math.abs(fd - (g[idx] as number))).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
    }
    tf.dispose([qkv, mask, dy]);
  });

  it('a step with the KV cache equals attention over the whole sequence', async () => {
    const got = tf.tidy(() => {
      const qkv = tf.tensor3d(qkvValues, [B, T, 3 * C]);
      const mask = tf.tensor2d(maskValues, [B, T]);
      const first = attentionFusedStep(
        tf.slice(qkv, [0, 0, 0], [B, 4, -1]),
        tf.slice(mask, [0, 0], [B, 4]),
        nh,
      );
      const rest = attentionFusedStep(tf.slice(qkv, [0, 4, 0], [B, 3, -1]), mask, nh, first);
      return [tf.concat([first.y, rest.y], 1), attentionFused(qkv, mask, nh), rest.k];
    });
    const [stepped, whole, k] = await takeValues(got);
    // Row 2's first two queries see no key (uniform over however many keys there are): skipped.
    const seen = (xs: number[] = []) => xs.filter((_, i) => i < 2 * T * C || i >= (2 * T + 2) * C);
    expect(maxRelDiff(seen(stepped), seen(whole))).toBeLessThan(1e-6);
    // The cache holds k as [B, nh, T, hs]: key 5 of row 1, head 2, channel 0.
    expect(k?.[((1 * nh + 2) * T + 5) * (C / nh)]).toBeCloseTo(
      qkvValues[(1 * T + 5) * 3 * C + C + 2 * (C / nh)] ?? 0,
      6,
    );
  });
});

describe('a GPT on WASM with fused attention', () => {
  const cfg = makeConfig({ preset: 'nano', vocabSize: 53, blockSize: 32 });

  it('step logits with the KV cache equal a full forward at each position', async () => {
    const model = GPT.create(cfg, 6);
    const ids = [5, 9, 2, 44, 17, 3, 30, 8];
    const out = tf.tidy(() => {
      const full = model.forward(tf.tensor2d([ids], [1, 8], 'int32')); // [1, 8, V]
      const pos = (a: number, n: number) =>
        tf.tensor2d([Array.from({ length: n }, (_, i) => a + i)], [1, n], 'int32');
      const first = model.step({
        ids: tf.tensor2d([ids.slice(0, 5)], [1, 5], 'int32'),
        positions: pos(0, 5),
        keyMask: tf.ones([1, 5]),
      });
      const logits = [first.logits];
      let cache = first.cache;
      for (let t = 5; t < 8; t++) {
        const r = model.step({
          ids: tf.tensor2d([[ids[t] ?? 0]], [1, 1], 'int32'),
          positions: pos(t, 1),
          keyMask: tf.ones([1, t + 1]),
          cache,
        });
        logits.push(r.logits);
        cache = r.cache;
      }
      return [tf.concat(logits, 1), full];
    });
    const [stepped, full] = await takeValues(out);
    expect(maxRelDiff(stepped ?? [], full ?? [])).toBeLessThan(1e-5);
    model.dispose();
  });

  it('cached sampling draws the same tokens as an uncached loop (fixed seed)', async () => {
    const model = GPT.create(cfg, 7);
    const prompts = [[1, 2, 3, 4], [7], [11, 12]];
    const opts = { temperature: 1, topK: 0, topP: 1, seed: 9, eotId: -1, maxNewTokens: 10 };
    const cached = await generate(model, prompts, opts);
    // Uncached: every step a full forward of each row alone, last position's logits.
    const rand = mulberry32(opts.seed);
    const seqs = prompts.map((p) => [...p]);
    const uncached: number[][] = prompts.map(() => []);
    for (let step = 0; step < opts.maxNewTokens; step++) {
      const rows = await Promise.all(
        seqs.map(async (s) => {
          const logits = tf.tidy(() => {
            const l = model.forward(tf.tensor2d([s], [1, s.length], 'int32'));
            return tf.reshape(tf.slice(l, [0, s.length - 1, 0], [1, 1, -1]), [-1]);
          });
          const v = await logits.data();
          logits.dispose();
          return v;
        }),
      );
      rows.forEach((row, b) => {
        const tok = sampleToken(row, opts, rand());
        seqs[b]?.push(tok);
        uncached[b]?.push(tok);
      });
    }
    expect(cached.tokens).toEqual(uncached);
    model.dispose();
  });
});
