import * as tf from '@tensorflow/tfjs';
import { makeConfig } from '../model/config';
import { GPT } from '../model/gpt';
import type { TokenizedPair } from '../pipeline/collate';
import type { PairText, PreferenceData } from '../pipeline/preferenceData';

/** A model small enough for SwiftShader: 2 layers, width 16, vocab 32. */
export const TEST_CONFIG = makeConfig({
  nLayer: 2,
  nHead: 2,
  nEmbd: 16,
  blockSize: 16,
  vocabSize: 32,
});

export function testModel(seed = 0, trainable = true): GPT {
  return GPT.create(TEST_CONFIG, seed, trainable);
}

export async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** The first value of `t` (NaN when it is empty). */
export async function scalar(t: tf.Tensor): Promise<number> {
  return (await t.data())[0] ?? Number.NaN;
}

/** The values of a tensor, or of each of several, which are then disposed. */
export async function takeValues(t: tf.Tensor): Promise<number[]>;
export async function takeValues(ts: tf.Tensor[]): Promise<number[][]>;
export async function takeValues(x: tf.Tensor | tf.Tensor[]): Promise<number[] | number[][]> {
  const ts = Array.isArray(x) ? x : [x];
  const out = await Promise.all(ts.map(values));
  tf.dispose(ts);
  return Array.isArray(x) ? out : (out[0] ?? []);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

/** Seeded ids in [0, vocab): a small LCG so tests need no Math.random. */
export function seededIds(n: number, vocab: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % vocab;
  });
}

/** Pairs of varied lengths over a vocab of 32; prompts start with token 31 (end-of-text). */
export function testPairs(n: number, seed = 1): TokenizedPair[] {
  return Array.from({ length: n }, (_, i) => {
    const ids = seededIds(20, 31, seed * 100 + i);
    const p = 2 + (i % 3);
    return {
      prompt: [31, ...ids.slice(0, p)],
      chosen: ids.slice(p, p + 3 + (i % 4)),
      rejected: ids.slice(p + 7, p + 9 + (i % 3)),
    };
  });
}

/**
 * Text pairs as the pipeline trains on them: end-of-text before each prompt and after each
 * completion, no preview rows.
 */
export function tokenizedPairs(
  tokenizer: { eot: number; encode(text: string): number[] },
  texts: PairText[],
): PreferenceData {
  const enc = (s: string) => tokenizer.encode(s);
  return {
    texts,
    preview: [],
    pairs: texts.map((t) => ({
      prompt: [tokenizer.eot, ...enc(t.prompt)],
      chosen: [...enc(t.chosen), tokenizer.eot],
      rejected: [...enc(t.rejected), tokenizer.eot],
    })),
  };
}
