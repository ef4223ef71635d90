/**
 * Tensor-leak checks: a step, a run or an import must leave `tf.memory().numTensors` where it
 * found it (style.md §3).
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, expect } from 'vitest';

/**
 * Counts the live tensors now; `expectUnchanged(extra)` later fails unless exactly `extra`
 * more are alive (e.g. 1 for a result the test still holds).
 */
export function liveTensors(): { expectUnchanged(extra?: number): void } {
  const before = tf.memory().numTensors;
  return {
    expectUnchanged(extra = 0) {
      expect(tf.memory().numTensors, 'live tensors').toBe(before + extra);
    },
  };
}

/**
 * For every test of the enclosing `describe`: run it inside a tfjs scope, so tensors it does
 * not dispose are freed after it, and fail it if the count still differs once that scope ends.
 */
export function leakCheckEach(): void {
  let count: ReturnType<typeof liveTensors> | null = null;
  beforeEach(() => {
    count = liveTensors();
    tf.engine().startScope();
  });
  afterEach(() => {
    tf.engine().endScope();
    count?.expectUnchanged();
  });
}
