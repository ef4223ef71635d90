import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, seededIds, TEST_CONFIG, testModel, values } from '../test/helpers';
import { liveTensors } from '../test/leaks';
import { ConfigError, makeConfig, PRESETS, parameterCount } from './config';
import { GPT, gelu, parameterShapes } from './gpt';

describe('config', () => {
  it('validates once where it is built', () => {
    expect(() => makeConfig({ nEmbd: 30, nHead: 4 })).toThrow(ConfigError);
    expect(() => makeConfig({ nLayer: 0 })).toThrow(/nLayer/);
    expect(() => makeConfig({ dropout: 1 })).toThrow(/dropout/);
    expect(makeConfig({ preset: 'micro' }).nEmbd).toBe(PRESETS.micro.nEmbd);
  });

  it('presets span ~0.1M to a few M parameters', () => {
    const nano = parameterCount(makeConfig({ preset: 'nano', vocabSize: 1024, blockSize: 64 }));
    const small = parameterCount(makeConfig({ preset: 'small', vocabSize: 4096, blockSize: 128 }));
    expect(nano).toBeGreaterThan(50_000);
    expect(nano).toBeLessThan(150_000);
    expect(small).toBeGreaterThan(2_000_000);
    expect(small).toBeLessThan(6_000_000);
  });
});

describe('GPT', () => {
  it('has GPT-2 names and layouts, and the counted parameters', () => {
    const m = testModel();
    const names = [...m.params.keys()];
    expect(names.slice(0, 4)).toEqual([
      'wte.weight',
      'wpe.weight',
      'h.0.ln_1.weight',
      'h.0.ln_1.bias',
    ]);
    expect(m.params.get('h.1.attn.c_attn.weight')?.shape).toEqual([16, 48]);
    expect(m.params.get('h.1.mlp.c_proj.weight')?.shape).toEqual([64, 16]);
    const total = m.variables().reduce((n, v) => n + v.size, 0);
    expect(total).toBe(parameterCount(TEST_CONFIG));
    expect(parameterShapes(TEST_CONFIG).length).toBe(names.length);
    m.dispose();
  });

  it('initialises as GPT-2: std 0.02, residual projections scaled by 1/√(2L)', async () => {
    const cfg = makeConfig({ nLayer: 4, nHead: 4, nEmbd: 64, vocabSize: 512, blockSize: 64 });
    const m = GPT.create(cfg, 7);
    const std = async (name: string) => {
      const p = m.params.get(name);
      if (!p) throw new Error(name);
      const { variance } = tf.moments(p);
      const v = (await variance.data())[0] ?? 0;
      variance.dispose();
      return Math.sqrt(v);
    };
    expect(await std('wte.weight')).toBeCloseTo(0.02, 3);
    expect(await std('h.0.mlp.c_fc.weight')).toBeCloseTo(0.02, 3);
    expect(await std('h.0.mlp.c_proj.weight')).toBeCloseTo(0.02 / Math.sqrt(8), 3);
    expect(await values(m.params.get('h.0.ln_1.weight') ?? tf.zeros([1]))).toEqual(
      new Array(64).fill(1),
    );
    m.dispose();
  });

  it('is causal: changing a later token never changes earlier logits', async () => {
    const m = testModel(1);
    const a = seededIds(12, 32, 3);
    const b = [...a];
    b[8] = ((b[8] ?? 0) + 5) % 32;
    b[11] = ((b[11] ?? 0) + 1) % 32;
    const la = m.forward(tf.tensor2d([a], [1, 12], 'int32'));
    const lb = m.forward(tf.tensor2d([b], [1, 12], 'int32'));
    const va = await values(la);
    const vb = await values(lb);
    const V = 32;
    expect(maxAbsDiff(va.slice(0, 8 * V), vb.slice(0, 8 * V))).toBeLessThan(1e-6);
    expect(maxAbsDiff(va.slice(8 * V), vb.slice(8 * V))).toBeGreaterThan(1e-4);
    tf.dispose([la, lb]);
    m.dispose();
  });

  it('padding (right or left) leaves the real tokens’ logits unchanged', async () => {
    const m = testModel(2);
    const seq = seededIds(7, 32, 11);
    const alone = await values(m.forward(tf.tensor2d([seq], [1, 7], 'int32')));
    const pad = 0;
    const right = [...seq, pad, pad, pad];
    const left = [pad, pad, pad, ...seq];
    const ids = tf.tensor2d([right, left], [2, 10], 'int32');
    const mask = tf.tensor2d([
      [...seq.map(() => 1), 0, 0, 0],
      [0, 0, 0, ...seq.map(() => 1)],
    ]);
    const logits = await values(m.forward(ids, { attentionMask: mask }));
    const V = 32;
    const rightReal = logits.slice(0, 7 * V);
    const leftReal = logits.slice(10 * V + 3 * V, 20 * V);
    expect(maxAbsDiff(rightReal, alone)).toBeLessThan(1e-5);
    expect(maxAbsDiff(leftReal, alone)).toBeLessThan(1e-5);
    expect(logits.every(Number.isFinite)).toBe(true);
    tf.dispose([ids, mask]);
    m.dispose();
  });

  it('clones into independent variables; a frozen clone is not trainable', async () => {
    const m = testModel(3);
    const ref = m.clone(false);
    expect(ref.variables().every((v) => !v.trainable)).toBe(true);
    const ids = tf.tensor2d([seededIds(6, 32, 5)], [1, 6], 'int32');
    const before = await values(ref.forward(ids));
    expect(maxAbsDiff(await values(m.forward(ids)), before)).toBe(0);
    const wte = m.params.get('wte.weight');
    wte?.assign(tf.mul(wte, 3));
    expect(maxAbsDiff(await values(ref.forward(ids)), before)).toBe(0);
    expect(maxAbsDiff(await values(m.forward(ids)), before)).toBeGreaterThan(1e-3);
    ref.assign(m);
    expect(maxAbsDiff(await values(ref.forward(ids)), await values(m.forward(ids)))).toBe(0);
    ids.dispose();
    m.dispose();
    ref.dispose();
  });

  it('the same seed gives the same weights; another seed differs', async () => {
    // Seed 0 included: tfjs's own seed 0 means "unseeded".
    const z1 = await values(testModel(0).params.get('wte.weight') ?? tf.zeros([1]));
    const z2 = await values(testModel(0).params.get('wte.weight') ?? tf.zeros([1]));
    expect(z1).toEqual(z2);
    const a = testModel(9);
    const b = testModel(9);
    const c = testModel(10);
    const wa = await values(a.params.get('h.0.attn.c_attn.weight') ?? tf.zeros([1]));
    expect(wa).toEqual(await values(b.params.get('h.0.attn.c_attn.weight') ?? tf.zeros([1])));
    expect(wa).not.toEqual(await values(c.params.get('h.0.attn.c_attn.weight') ?? tf.zeros([1])));
    for (const m of [a, b, c]) m.dispose();
  });

  it('rejects sequences longer than the context', () => {
    const m = testModel();
    const ids = tf.zeros([1, 17], 'int32') as tf.Tensor2D;
    expect(() => m.forward(ids)).toThrow(/blockSize/);
    ids.dispose();
    m.dispose();
  });

  it('GELU is the tanh approximation', async () => {
    const x = [-3, -1, 0, 0.5, 2];
    const y = await values(gelu(tf.tensor1d(x)));
    const ref = x.map(
      (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
    );
    expect(maxAbsDiff(y, ref)).toBeLessThan(1e-6);
  });

  it('leaks no tensor over forward passes', () => {
    const m = testModel();
    const ids = tf.zeros([2, 8], 'int32') as tf.Tensor2D;
    const live = liveTensors();
    for (let i = 0; i < 5; i++) m.forward(ids).dispose();
    live.expectUnchanged();
    ids.dispose();
    m.dispose();
  });
});
