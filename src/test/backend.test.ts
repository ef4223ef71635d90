import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

describe('test backend', () => {
  it('runs on cpu or on webgpu with a real adapter', async () => {
    const backend = tf.getBackend();
    expect(['cpu', 'webgpu']).toContain(backend);
    if (backend === 'webgpu') {
      const adapter = await navigator.gpu.requestAdapter();
      // SwiftShader here ("google"), a hardware vendor on a GPU machine; never null.
      expect(adapter?.info.vendor.length ?? 0).toBeGreaterThan(0);
    }
    const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(await y.data())).toEqual([11]);
    y.dispose();
  });
});
