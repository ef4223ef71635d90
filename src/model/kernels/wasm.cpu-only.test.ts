// The WASM backend's fast paths (kernels/wasm.ts, layerNorm.ts, wasmOptim.ts, FusedAdam)
// against the stock tfjs ops: on the CPU backend (the reference every other test uses) or the
// stock composition on WASM itself; forward values and gradients, ±80 extremes included.
// Runs in the cpu project only: it loads tfjs-backend-wasm and switches to it.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenLogProbs } from '../../objectives/logprobs';
import { DEFAULT_LOSS } from '../../objectives/losses';
import { collatePairs } from '../../pipeline/collate';
import { FusedAdam } from '../../pipeline/fusedAdam';
import { preferenceStep, readStep, referenceLogps } from '../../pipeline/preferenceStep';
import { batchTensors } from '../../pipeline/train/tensors';
import { clipByGlobalNorm } from '../../pipeline/train/updateStep';
import { takeValues, testPairs } from '../../test/helpers';
import { maxRelDiff, seededValues } from '../../test/kernelInputs';
import { makeConfig } from '../config';
import { generate } from '../generate';
import { GPT } from '../gpt';
import { logSoftmaxRow, sampleToken } from '../sampling';
import { ATTENTION_GRAD_KERNEL } from './attention';
import { EMBEDDING_GRAD_KERNEL, EMBEDDING_KERNEL, embedFused } from './embedding';
import { gelu, geluStock } from './gelu';
import { LAYERNORM_KERNEL, layerNormFused, layerNormFusedActive } from './layerNorm';
import { fusedKernelsActive, wasmKernelActive } from './program';
import { SAMPLE_ROWS_KERNEL, sampleRowsFused } from './sampleRows';
import { TARGET_LOGP_KERNEL, targetLogProbs, targetLogProbsStock } from './targetLogProb';
import { prepareWasm } from './wasm';
import { ADAM_KERNEL, CLIP_KERNEL } from './wasmOptim';

const TOL = 1e-5;

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-wasm');
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
  prepareWasm();
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Runs f on the CPU backend and returns its arrays, then switches back to WASM. */
async function onCpu(f: () => tf.Tensor[]): Promise<number[][]> {
  await tf.setBackend('cpu');
  try {
    return await takeValues(tf.tidy(f));
  } finally {
    await tf.setBackend('wasm');
  }
}

function expectClose(got: number[][], want: number[][], tol = TOL): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(maxRelDiff(g, want[i] ?? [])).toBeLessThan(tol);
  });
}

/** Names of the kernels f runs. */
async function kernelsOf(f: () => tf.Tensor[]): Promise<string[]> {
  const p = await tf.profile(() => f());
  return p.kernels.map((k) => k.name);
}

describe('WASM fast paths against the stock ops', () => {
  it('has the fast kernels registered on WASM only', () => {
    expect(tf.getBackend()).toBe('wasm');
    for (const k of [TARGET_LOGP_KERNEL, CLIP_KERNEL, ADAM_KERNEL, LAYERNORM_KERNEL]) {
      expect(wasmKernelActive(k)).toBe(true);
      expect(fusedKernelsActive(k)).toBe(true);
      expect(tf.getKernel(k, 'cpu')).toBeUndefined();
    }
    expect(layerNormFusedActive()).toBe(true);
  });

  it('matMul with every transpose combination equals the CPU backend (2-D and batched)', async () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[37, 19], [19, 23], false, false],
      [[19, 37], [19, 23], true, false],
      [[37, 19], [23, 19], false, true],
      [[19, 37], [23, 19], true, true],
      [[3, 2, 7, 5], [3, 2, 7, 5], false, true], // attention scores q·kᵀ
      [[3, 2, 7, 5], [3, 2, 7, 6], true, false],
    ];
    for (const [sa, sb, ta, tb] of cases) {
      const va = seededValues(
        sa.reduce((x, y) => x * y),
        11,
        3,
      );
      const vb = seededValues(
        sb.reduce((x, y) => x * y),
        12,
        3,
      );
      const f = () => [tf.matMul(tf.tensor(va, sa), tf.tensor(vb, sb), ta, tb)];
      const got = await takeValues(tf.tidy(f));
      expectClose(got, await onCpu(f));
    }
  });

  it('targetLogProbs: fused values and gradient equal the stock composition', async () => {
    const [M, V] = [37, 53];
    const logits = seededValues(M * V, 1, 6, true);
    const targets = seededValues(M, 2, 1).map((u) => Math.floor(((u + 1) / 2) * V));
    const weights = seededValues(M, 3, 1).map((u, i) => (i % 4 === 1 ? 0 : u));
    const run = (f: typeof targetLogProbs) => () => {
      const x = tf.tensor2d(logits, [M, V]);
      const t = tf.tensor1d(targets, 'int32');
      const w = tf.tensor1d(weights);
      const g = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(f(l as tf.Tensor2D, t), w)))(x);
      return [f(x, t), g];
    };
    expect(await kernelsOf(run(targetLogProbs))).toContain(TARGET_LOGP_KERNEL);
    const want = await takeValues(tf.tidy(run(targetLogProbsStock)));
    expectClose(await takeValues(tf.tidy(run(targetLogProbs))), want);
    expectClose(await onCpu(run(targetLogProbsStock)), want);
  });

  it('gelu: fused values and gradient equal the stock tanh GELU', async () => {
    const xs = [...seededValues(500, 4, 6), 0, 1, -1, 20, -20];
    const run = (f: typeof gelu) => () => {
      const x = tf.tensor2d(xs, [5, 101]);
      return [f(x), tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), v)))(x)];
    };
    const got = await takeValues(tf.tidy(run(gelu)));
    expect(got[0]?.[501]).toBeCloseTo(0.8411919906, 6); // gelu(1), hand value
    expectClose(got, await takeValues(tf.tidy(run(geluStock))));
  });

  it('layerNormFused: values and gradients in x, γ, β equal the stock LayerNorm', async () => {
    const [R, C] = [29, 24];
    const xs = seededValues(R * C, 5, 4);
    const gs = seededValues(C, 6, 2);
    const bs = seededValues(C, 7, 1);
    const dys = seededValues(R * C, 8, 1);
    const stock = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, -1, true);
      return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
    };
    const run = (f: typeof stock) => () => {
      const [x, g, b] = [tf.tensor2d(xs, [R, C]), tf.tensor1d(gs), tf.tensor1d(bs)];
      const dy = tf.tensor2d(dys, [R, C]);
      const grads = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
        tf.sum(tf.mul(f(a, c, d), dy)),
      )([x, g, b]);
      return [f(x, g, b), ...grads];
    };
    const fused = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => layerNormFused(x, g, b, 1e-5);
    expect(await kernelsOf(run(fused))).toContain(LAYERNORM_KERNEL);
    const want = await onCpu(run(stock));
    expectClose(await takeValues(tf.tidy(run(fused))), want, 1e-4);
  });

  it('clipByGlobalNorm: one kernel, the stock norm and clipped gradients', async () => {
    const shapes = [[7, 5], [5], [3, 4, 2]];
    const vals = shapes.map((s, i) =>
      seededValues(
        s.reduce((x, y) => x * y),
        20 + i,
        3,
      ),
    );
    for (const maxNorm of [1, 1e6, Number.POSITIVE_INFINITY]) {
      const run = () => {
        const grads: tf.NamedTensorMap = {};
        shapes.forEach((s, i) => {
          grads[`g${i}`] = tf.tensor(vals[i] ?? [], s);
        });
        const c = clipByGlobalNorm(grads, maxNorm);
        return [c.norm, ...Object.values(c.grads)];
      };
      expect(await kernelsOf(run)).toContain(CLIP_KERNEL);
      const got = await takeValues(tf.tidy(run));
      const want = await onCpu(run);
      expectClose(got, want);
      if (maxNorm === 1) expect(Math.hypot(...got.slice(1).flat())).toBeCloseTo(1, 5);
    }
  });

  it('FusedAdam: three steps equal tf.train.adam (weights, moments, their names)', async () => {
    const init = [seededValues(12, 30, 1), seededValues(4, 31, 1)];
    const grads = [1, 2, 3].map((k) => [seededValues(12, 40 + k, 2), seededValues(4, 50 + k, 2)]);
    const train = async (make: () => tf.Optimizer) => {
      const vars = init.map((v, i) => tf.variable(tf.tensor(v), true, `adam_t_${i}_${make.name}`));
      const opt = make();
      for (const g of grads) {
        const map: tf.NamedTensorMap = {};
        vars.forEach((v, i) => {
          map[v.name] = tf.tensor(g[i] ?? []);
        });
        opt.applyGradients(map);
        tf.dispose(Object.values(map));
      }
      const weights = await opt.getWeights();
      const out = await takeValues(vars.map((v) => v.clone()));
      const moments = await takeValues(weights.slice(1).map((w) => w.tensor.clone()));
      const names = weights.map((w) => w.name.replace(/adam_t_(\d)_\w+/, 'v$1'));
      opt.dispose();
      tf.dispose(vars);
      return { out, moments, names };
    };
    const fused = await train(function fusedAdam() {
      return new FusedAdam(0.01);
    });
    const stock = await train(function stockAdam() {
      return tf.train.adam(0.01);
    });
    expect(fused.names).toEqual(stock.names);
    expectClose(fused.out, stock.out);
    expectClose(fused.moments, stock.moments);
    // The weights moved: the test would catch an update that does nothing.
    expect(maxRelDiff(fused.out[0] ?? [], init[0] ?? [])).toBeGreaterThan(0.01);
  });

  it('a GPT forward and backward on WASM equals the CPU backend (every parameter)', async () => {
    const cfg = makeConfig({ preset: 'nano', vocabSize: 97, blockSize: 16 });
    const ids = seededValues(4 * 12, 60, 1).map((u) => Math.floor(((u + 1) / 2) * 97));
    const mask = Array.from({ length: 48 }, (_, i) => (i % 12 < 12 - (i % 5) ? 1 : 0));
    const run = () => {
      const model = GPT.create(cfg, 3);
      const x = tf.tensor2d(ids, [4, 12], 'int32');
      const m = tf.tensor2d(mask, [4, 12]);
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.forward(x, { attentionMask: m });
        return tf.sum(tf.mul(tokenLogProbs(logits, x), tf.slice(m, [0, 1], [4, 11]))) as tf.Scalar;
      }, model.variables());
      const out = [value, ...model.variables().map((v) => grads[v.name] as tf.Tensor)];
      model.dispose();
      return out;
    };
    const kernels = await kernelsOf(() => tf.tidy(run));
    expect(kernels).toContain(LAYERNORM_KERNEL);
    expect(kernels).toContain(TARGET_LOGP_KERNEL);
    expect(kernels).toContain(EMBEDDING_GRAD_KERNEL);
    expect(kernels).toContain(ATTENTION_GRAD_KERNEL);
    expect(kernels).not.toContain('OneHot');
    const got = await takeValues(tf.tidy(run));
    expectClose(got, await onCpu(run), 1e-4);
  });

  it('a DPO step on WASM with FusedAdam leaks no tensor and no WASM heap buffer', async () => {
    const cfg = makeConfig({ preset: 'nano', vocabSize: 61, blockSize: 16 });
    const policy = GPT.create(cfg, 4);
    const reference = GPT.create(cfg, 4, false);
    const batch = collatePairs(testPairs(2), { padId: 0, maxLength: 16 });
    const cached = await referenceLogps(reference, batch);
    const t = batchTensors(batch);
    const opt = new FusedAdam(1e-3);
    const opts = { loss: DEFAULT_LOSS, maxGradNorm: 10 };
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const count = () => [tf.memory().numTensors, backend.numDataIds()];
    preferenceStep(policy, opt, t, cached, opts, batch.pairs).dispose(); // creates Adam's moments
    const before = count();
    let loss = Number.NaN;
    for (let i = 0; i < 5; i++) {
      const packed = preferenceStep(policy, opt, t, cached, opts, batch.pairs);
      loss = (await readStep(packed, batch.pairs)).metrics.loss;
      packed.dispose();
    }
    expect(count()).toEqual(before);
    expect(loss).toBeLessThan(Math.LN2); // it trained: the loss left ln 2
    opt.dispose();
    tf.dispose([t.ids, t.attentionMask, t.completionMask]);
    policy.dispose();
    reference.dispose();
  });

  it('embedFused is one-hot · table (ids −1 and R give zero rows), gradient included', async () => {
    const [R, C] = [13, 6];
    const table = seededValues(R * C, 70, 2);
    const ids = [0, 12, 5, 5, -1, 13, 7, 0];
    const dys = seededValues(ids.length * C, 71, 1);
    const run = (f: (w: tf.Tensor2D, i: tf.Tensor2D) => tf.Tensor3D) => () => {
      const w = tf.tensor2d(table, [R, C]);
      const i = tf.tensor2d(ids, [2, 4], 'int32');
      const dy = tf.tensor3d(dys, [2, 4, C]);
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(f(x as tf.Tensor2D, i), dy)))(w);
      return [f(w, i), g];
    };
    const oneHot = (w: tf.Tensor2D, i: tf.Tensor2D) =>
      tf.reshape(tf.matMul(tf.oneHot(tf.reshape(i, [-1]), R), w), [2, 4, C]) as tf.Tensor3D;
    expect(await kernelsOf(run(embedFused))).toContain(EMBEDDING_KERNEL);
    const got = await takeValues(tf.tidy(run(embedFused)));
    expect(got[0]?.slice(4 * C, 6 * C)).toEqual(new Array(2 * C).fill(0)); // ids −1 and 13
    expectClose(got, await onCpu(run(oneHot)));
  });

  it('samples with the KV cache on WASM (positions padded with −1)', async () => {
    const model = GPT.create(makeConfig({ preset: 'nano', vocabSize: 50, blockSize: 32 }), 2);
    const gen = { temperature: 1, topK: 0, topP: 1, seed: 5, eotId: -1, maxNewTokens: 6 };
    const out = await generate(model, [[1, 2, 3], [4]], gen);
    expect(out.tokens.map((t) => t.length)).toEqual([6, 6]);
    model.dispose();
  });

  it('sampleRowsFused draws the tokens sampleToken draws, with log π at temperature 1', async () => {
    const [B, V] = [40, 97];
    const logits = seededValues(B * V, 90, 5, true); // ±80 extremes: p(token) may underflow
    const draws = seededValues(B, 91, 0.5).map((x) => x + 0.5);
    for (const temperature of [1, 0.7]) {
      const run = () => [
        sampleRowsFused(tf.tensor2d(logits, [B, V]), tf.tensor1d(draws), temperature),
      ];
      expect(await kernelsOf(run)).toContain(SAMPLE_ROWS_KERNEL);
      const [got = []] = await takeValues(tf.tidy(run));
      for (let b = 0; b < B; b++) {
        const row = Float32Array.from(logits.slice(b * V, (b + 1) * V));
        const opts = { temperature, topK: 0, topP: 1 };
        const u = Math.fround(draws[b] ?? 0);
        const tok = sampleToken(row, opts, u);
        expect(got[2 * b]).toBe(tok);
        const want = logSoftmaxRow(row)[tok] ?? 0;
        expect(Math.abs((got[2 * b + 1] ?? 0) - want)).toBeLessThan(
          1e-5 * Math.max(1, Math.abs(want)),
        );
      }
    }
  });
});
