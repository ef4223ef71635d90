import type * as tf from '@tensorflow/tfjs';
import { makeConfig } from '../model/config';
import { GPT } from '../model/gpt';

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
