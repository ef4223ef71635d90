import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOSS, type PreferenceLossConfig } from '../objectives/losses';
import { PREFERENCE_METRIC_KEYS, readPacked } from '../objectives/metrics';
import { testModel, testPairs, values } from '../test/helpers';
import { liveTensors } from '../test/leaks';
import { collatePairs } from './collate';
import {
  batchLogps,
  type CachedLogps,
  preferenceObjective,
  preferenceStep,
  readStep,
  referenceLogps,
} from './preferenceStep';
import { batchTensors } from './train/tensors';

const COLLATE = { padId: 0, maxLength: 16 };

async function setup(pairs = 4, policySeed = 1, refSeed = 1) {
  const batch = collatePairs(testPairs(pairs), COLLATE);
  const ref = testModel(refSeed, false);
  const policy = testModel(policySeed);
  const cached = await referenceLogps(ref, batch);
  const t = batchTensors(batch);
  const dispose = () => {
    tf.dispose([t.ids, t.attentionMask, t.completionMask]);
    ref.dispose();
    policy.dispose();
  };
  return { batch, ref, policy, cached, t, dispose, B: batch.pairs };
}

async function lossValue(
  s: Awaited<ReturnType<typeof setup>>,
  cfg: PreferenceLossConfig,
  cached: CachedLogps = s.cached,
): Promise<number> {
  const o = preferenceObjective(s.policy, s.t, cached, cfg, s.B);
  const v = (await o.loss.data())[0] ?? Number.NaN;
  tf.dispose([o.loss, o.metrics, o.perPair]);
  return v;
}

describe('preference step through the model', () => {
  it('π_θ = π_ref: loss ln 2, accuracy 0; rewards are β·(logπ_θ − logπ_ref)', async () => {
    const s = await setup();
    const beta = 0.3;
    const o = preferenceObjective(s.policy, s.t, s.cached, { ...DEFAULT_LOSS, beta }, s.B);
    const m = await readPacked(o.metrics, PREFERENCE_METRIC_KEYS);
    expect(m.loss).toBeCloseTo(Math.LN2, 5);
    expect(m['rewards/accuracies']).toBe(0);
    tf.dispose([o.loss, o.metrics, o.perPair]);

    // Move the policy, then check r̂ against logps computed separately.
    const wte = s.policy.params.get('wte.weight');
    wte?.assign(tf.mul(wte, 2));
    const o2 = preferenceObjective(s.policy, s.t, s.cached, { ...DEFAULT_LOSS, beta }, s.B);
    const m2 = await readPacked(o2.metrics, PREFERENCE_METRIC_KEYS);
    const pol = batchLogps(s.policy, s.t);
    const pSum = await values(pol.sum);
    const B = s.B;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const chosen = pSum.slice(0, B).map((p, i) => beta * (p - (s.cached.sum[i] ?? 0)));
    const rejected = pSum.slice(B).map((p, i) => beta * (p - (s.cached.sum[B + i] ?? 0)));
    expect(m2['rewards/chosen']).toBeCloseTo(mean(chosen), 4);
    expect(m2['rewards/rejected']).toBeCloseTo(mean(rejected), 4);
    expect(m2['logps/chosen']).toBeCloseTo(mean(pSum.slice(0, B)), 3);
    expect(Math.abs(m2.loss - Math.LN2)).toBeGreaterThan(1e-4);
    tf.dispose([o2.loss, o2.metrics, o2.perPair, pol.sum, pol.count]);
    s.dispose();
  });

  it('matches a finite-difference gradient of the full DPO loss', async () => {
    // Policy and reference differ, β = 1: a generic point, not the symmetric start.
    const s = await setup(3, 4, 5);
    const cfg = { ...DEFAULT_LOSS, beta: 1 };
    const vars = s.policy.variables();
    const { grads } = tf.variableGrads(() => {
      const o = preferenceObjective(s.policy, s.t, s.cached, cfg, s.B);
      tf.dispose([o.metrics, o.perPair]);
      return o.loss;
    }, vars);
    const names = [
      'wte.weight',
      'wpe.weight',
      'h.0.attn.c_attn.weight',
      'h.1.mlp.c_proj.weight',
      'ln_f.weight',
    ];
    const eps = 1e-2;
    let checked = 0;
    for (const name of names) {
      const v = s.policy.params.get(name);
      if (!v) throw new Error(name);
      const g = await values(grads[v.name] ?? tf.zeros([1]));
      // The two largest-magnitude entries of this parameter.
      const idx = g
        .map((x, i) => [Math.abs(x), i] as const)
        .sort((a, b) => b[0] - a[0])
        .slice(0, 2)
        .map(([, i]) => i);
      const orig = await v.data();
      for (const i of idx) {
        const at = async (delta: number) => {
          const w = Float32Array.from(orig);
          w[i] = (w[i] ?? 0) + delta;
          v.assign(tf.tensor(w, v.shape));
          return lossValue(s, cfg);
        };
        const fd = ((await at(eps)) - (await at(-eps))) / (2 * eps);
        v.assign(tf.tensor(orig, v.shape));
        const analytic = g[i] ?? Number.NaN;
        expect(Math.abs(fd - analytic)).toBeLessThan(2e-2 * Math.abs(analytic) + 2e-4);
        checked++;
      }
    }
    expect(checked).toBe(10);

    // Directional derivative along the normalised gradient equals its norm.
    const gs = await Promise.all(vars.map((v) => values(grads[v.name] ?? tf.zeros([1]))));
    const norm = Math.sqrt(gs.flat().reduce((a, x) => a + x * x, 0));
    const origs = await Promise.all(vars.map((v) => v.data()));
    const shift = async (delta: number) => {
      vars.forEach((v, k) => {
        const w = Float32Array.from(origs[k] ?? []);
        const gk = gs[k] ?? [];
        for (let j = 0; j < w.length; j++) w[j] = (w[j] ?? 0) + (delta * (gk[j] ?? 0)) / norm;
        v.assign(tf.tensor(w, v.shape));
      });
      return lossValue(s, cfg);
    };
    const dir = ((await shift(eps)) - (await shift(-eps))) / (2 * eps);
    expect(Math.abs(dir - norm) / norm).toBeLessThan(1e-2);
    tf.dispose(Object.values(grads));
    s.dispose();
  });

  it('training moves the metrics the right way: margins up, accuracy to 1', async () => {
    const s = await setup(4);
    const opt = tf.train.adam(3e-2);
    const opts = { loss: { ...DEFAULT_LOSS, beta: 0.5 }, maxGradNorm: 10 };
    let first: Record<string, number> | null = null;
    let last: Record<string, number> | null = null;
    for (let step = 0; step < 25; step++) {
      const packed = preferenceStep(s.policy, opt, s.t, s.cached, opts, s.B);
      if (step === 0 || step === 24) {
        const r = await readStep(packed, s.B);
        const m = r.metrics;
        if (step === 24) {
          // Per-pair readout agrees with the batch means.
          const mean = r.losses.reduce((a, b) => a + b, 0) / s.B;
          expect(mean).toBeCloseTo(m.loss, 4);
          expect(r.policyChosen).toHaveLength(s.B);
        }
        if (step === 0) first = m;
        else last = m;
      }
      packed.dispose();
    }
    if (!first || !last) throw new Error('no metrics');
    expect(first.loss).toBeCloseTo(Math.LN2, 4);
    expect(first.grad_norm).toBeGreaterThan(0);
    expect(last.loss).toBeLessThan(0.5);
    expect(last['rewards/margins']).toBeGreaterThan(1);
    expect(last['rewards/accuracies']).toBe(1);
    opt.dispose();
    s.dispose();
  });

  it('clips the global gradient norm', async () => {
    const s = await setup(2, 3, 4);
    const opt = tf.train.sgd(1);
    const before = await values(s.policy.params.get('ln_f.bias') ?? tf.zeros([1]));
    const packed = preferenceStep(
      s.policy,
      opt,
      s.t,
      s.cached,
      {
        loss: { ...DEFAULT_LOSS, beta: 1 },
        maxGradNorm: 1e-3,
      },
      s.B,
    );
    const { metrics: m } = await readStep(packed, s.B);
    expect(m.grad_norm).toBeGreaterThan(1e-3); // reported before clipping
    // With SGD(lr 1) the whole update has norm ≤ 1e-3.
    let sq = 0;
    const after = await values(s.policy.params.get('ln_f.bias') ?? tf.zeros([1]));
    after.forEach((a, i) => {
      sq += (a - (before[i] ?? 0)) ** 2;
    });
    expect(Math.sqrt(sq)).toBeLessThanOrEqual(1.0001e-3);
    packed.dispose();
    opt.dispose();
    s.dispose();
  });

  it('leaks no tensor over 20 training steps', async () => {
    const s = await setup(2);
    const opt = tf.train.adam(1e-3);
    const opts = { loss: DEFAULT_LOSS, maxGradNorm: 10 };
    // The first step creates Adam's moment variables; count from after it.
    preferenceStep(s.policy, opt, s.t, s.cached, opts, s.B).dispose();
    const live = liveTensors();
    for (let i = 0; i < 20; i++) {
      const packed = preferenceStep(s.policy, opt, s.t, s.cached, opts, s.B);
      if (i % 5 === 0) await packed.data();
      packed.dispose();
    }
    live.expectUnchanged();
    opt.dispose();
    s.dispose();
  });
});

describe('length buckets', () => {
  it('extra right padding changes no log-prob, loss or gradient', async () => {
    const pairs = testPairs(3);
    const policy = testModel(5);
    const run = async (lengthBucket: number) => {
      const batch = collatePairs(pairs, { ...COLLATE, lengthBucket });
      const t = batchTensors(batch);
      const s = batchLogps(policy, t);
      const { value, grads } = tf.variableGrads(() => {
        const o = preferenceObjective(policy, t, null, { ...DEFAULT_LOSS, type: 'simpo' }, 3);
        tf.dispose([o.metrics, o.perPair]);
        return o.loss;
      }, policy.variables());
      const wte = grads[policy.params.get('wte.weight')?.name ?? ''] as tf.Tensor;
      const out = {
        length: batch.length,
        sum: await values(s.sum),
        loss: await values(value),
        wteGrad: await values(wte),
      };
      tf.dispose([t.ids, t.attentionMask, t.completionMask, s.sum, s.count, value]);
      tf.dispose(Object.values(grads));
      return out;
    };
    const tight = await run(1);
    const bucketed = await run(16);
    expect(tight.length).toBeLessThan(16);
    expect(bucketed.length).toBe(16);
    tight.sum.forEach((v, i) => {
      expect(bucketed.sum[i]).toBeCloseTo(v, 4);
    });
    expect(bucketed.loss[0]).toBeCloseTo(tight.loss[0] ?? Number.NaN, 5);
    tight.wteGrad.forEach((v, i) => {
      expect(bucketed.wteGrad[i]).toBeCloseTo(v, 5);
    });
    policy.dispose();
  });
});
