/**
 * Golden parity: the tfjs GPT against an independent float64 PyTorch GPT-2 forward
 * (scripts/make-parity-fixture.py, run with /usr/bin/python3). Runs on every test backend.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { liveTensors } from '../test/leaks';
import type { GPTConfig } from './config';
import { GPT, parameterShapes } from './gpt';
import fixture from './gpt2-parity.fixture.json';

/** Max |logit − reference| allowed on any backend (float32 vs float64). */
const TOL = 1e-4;

const config: GPTConfig = fixture.config;
const [B, T, V] = fixture.logitsShape as [number, number, number];

/** The fixture's weights as fresh tensors; the caller disposes them. */
function fixtureTensors(): Map<string, tf.Tensor> {
  const m = new Map<string, tf.Tensor>();
  for (const [name, p] of Object.entries(fixture.params)) {
    m.set(name, tf.tensor(p.data, p.shape, 'float32'));
  }
  return m;
}

function disposeAll(m: Map<string, tf.Tensor>): void {
  for (const t of m.values()) t.dispose();
}

/** Reference logit [b, t, v]. */
function refLogit(b: number, t: number, v: number): number {
  return fixture.logits[(b * T + t) * V + v] ?? Number.NaN;
}

function idAt(b: number, t: number): number {
  return fixture.ids[b]?.[t] ?? -1;
}

describe('GPT parity with a float64 PyTorch GPT-2 (gpt2-parity.fixture.json)', () => {
  it('fixture is consistent with parameterShapes', () => {
    const expected = parameterShapes(config);
    expect(Object.keys(fixture.params)).toEqual(expected.map(([name]) => name));
    for (const [name, shape] of expected) {
      const p = fixture.params[name as keyof typeof fixture.params];
      expect(p.shape, name).toEqual(shape);
      expect(p.data.length, name).toBe(shape.reduce((a, b) => a * b, 1));
    }
    expect(fixture.logits.length).toBe(B * T * V);
    expect(fixture.ids.length).toBe(B);
    for (const row of fixture.ids) expect(row.length).toBe(T);
  });

  it(`forward logits match the reference within ${TOL}`, async ({ annotate }) => {
    const tensors = fixtureTensors();
    const gpt = GPT.fromTensors(config, tensors, false);
    disposeAll(tensors);
    const ids = tf.tensor2d(fixture.ids, [B, T], 'int32');

    const live = liveTensors();
    const logits = gpt.forward(ids);
    expect(logits.shape).toEqual([B, T, V]);
    const got = await logits.data();
    logits.dispose();
    live.expectUnchanged(); // forward leaves nothing behind

    let maxErr = 0;
    for (let i = 0; i < got.length; i++) {
      maxErr = Math.max(maxErr, Math.abs((got[i] ?? Number.NaN) - (fixture.logits[i] ?? 0)));
    }
    await annotate(`${tf.getBackend()}: max |Δlogit| = ${maxErr.toExponential(3)}`);
    expect(got.length).toBe(fixture.logits.length);
    expect(maxErr, `max |Δlogit| on ${tf.getBackend()}`).toBeLessThanOrEqual(TOL);

    ids.dispose();
    gpt.dispose();
  });

  it('padded batch (left and right, mask 0) gives the unpadded logits at real tokens', async ({
    annotate,
  }) => {
    const pad = config.blockSize - T; // 4: fills the context exactly
    const tensors = fixtureTensors();
    const gpt = GPT.fromTensors(config, tensors, false);
    disposeAll(tensors);
    const row0 = fixture.ids[0] ?? [];
    const row1 = fixture.ids[1] ?? [];
    const zeros = new Array<number>(pad).fill(0);
    const ids = tf.tensor2d(
      [
        [...zeros, ...row0],
        [...row1, ...zeros],
      ],
      [B, T + pad],
      'int32',
    );
    const ones = new Array<number>(T).fill(1);
    const mask = tf.tensor2d(
      [
        [...zeros, ...ones],
        [...ones, ...zeros],
      ],
      [B, T + pad],
      'int32',
    );

    const live = liveTensors();
    const logits = gpt.forward(ids, { attentionMask: mask });
    const got = await logits.data();
    logits.dispose();
    live.expectUnchanged();

    let maxErr = 0;
    for (let t = 0; t < T; t++) {
      for (let v = 0; v < V; v++) {
        const left = got[(0 * (T + pad) + pad + t) * V + v] ?? Number.NaN; // row 0, left-padded
        const right = got[(1 * (T + pad) + t) * V + v] ?? Number.NaN; // row 1, right-padded
        maxErr = Math.max(
          maxErr,
          Math.abs(left - refLogit(0, t, v)),
          Math.abs(right - refLogit(1, t, v)),
        );
      }
    }
    await annotate(`${tf.getBackend()}: max |Δlogit| padded = ${maxErr.toExponential(3)}`);
    expect(maxErr, `max |Δlogit| padded on ${tf.getBackend()}`).toBeLessThanOrEqual(TOL);

    ids.dispose();
    mask.dispose();
    gpt.dispose();
  });

  it('completion log-prob and last-token log-probs match the reference', async () => {
    const tensors = fixtureTensors();
    const gpt = GPT.fromTensors(config, tensors, false);
    disposeAll(tensors);
    const ids = tf.tensor2d(fixture.ids, [B, T], 'int32');

    const live = liveTensors();
    const logprobs = tf.tidy(() => tf.logSoftmax(gpt.forward(ids), -1));
    const lp = await logprobs.data();
    logprobs.dispose();
    live.expectUnchanged();
    const at = (b: number, t: number, v: number) => lp[(b * T + t) * V + v] ?? Number.NaN;

    // Sum of log p(ids[t] | ids[<t]) over the completion tokens, in float64 here.
    const { row, promptLength, value } = fixture.completionLogProb;
    let sum = 0;
    for (let t = promptLength; t < T; t++) sum += at(row, t - 1, idAt(row, t));
    // |Δ log-softmax| ≤ 2·max |Δlogit|, summed over the completion tokens.
    expect(Math.abs(sum - value)).toBeLessThanOrEqual(2 * TOL * (T - promptLength));

    fixture.logprobsLastToken.forEach((ref, b) => {
      expect(Math.abs(at(b, T - 2, idAt(b, T - 1)) - ref)).toBeLessThanOrEqual(2 * TOL);
    });

    ids.dispose();
    gpt.dispose();
  });

  it('fromTensors then dispose leaves tf.memory().numTensors unchanged', () => {
    const live = liveTensors();
    const tensors = fixtureTensors();
    const gpt = GPT.fromTensors(config, tensors, false);
    disposeAll(tensors);
    gpt.dispose();
    live.expectUnchanged();
  });
});

describe('GPT.fromTensors rejects bad checkpoints', () => {
  it('names a missing parameter', () => {
    const tensors = fixtureTensors();
    const missing = tensors.get('h.1.mlp.c_fc.bias');
    missing?.dispose();
    tensors.delete('h.1.mlp.c_fc.bias');
    expect(() => GPT.fromTensors(config, tensors)).toThrow(
      'checkpoint has no parameter h.1.mlp.c_fc.bias',
    );
    disposeAll(tensors);
  });

  it('names a parameter of the wrong shape, with both shapes', () => {
    const tensors = fixtureTensors();
    const c_attn = tensors.get('h.0.attn.c_attn.weight');
    if (!c_attn) throw new Error('fixture lacks h.0.attn.c_attn.weight');
    // Transposed ([out, in], the nn.Linear layout) instead of GPT-2's Conv1D [in, out].
    tensors.set('h.0.attn.c_attn.weight', tf.transpose(c_attn));
    c_attn.dispose();
    expect(() => GPT.fromTensors(config, tensors)).toThrow(
      'parameter h.0.attn.c_attn.weight has shape [48,16], expected [16,48]',
    );
    disposeAll(tensors);
  });

  it('a rejected checkpoint leaves tf.memory().numTensors unchanged', () => {
    const live = liveTensors();
    const tensors = fixtureTensors();
    tensors.get('ln_f.bias')?.dispose();
    tensors.delete('ln_f.bias'); // the last name: every other parameter is read first
    expect(() => GPT.fromTensors(config, tensors)).toThrow('ln_f.bias');
    disposeAll(tensors);
    live.expectUnchanged();
  });
});
