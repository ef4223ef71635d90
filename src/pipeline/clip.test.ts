import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { clipByGlobalNorm } from './train/updateStep';

describe('clipByGlobalNorm', () => {
  it('computes the global norm over many tensors and scales them to maxNorm', async () => {
    // 40 tensors: more than WebGPU's 8 storage buffers per shader stage.
    const grads: tf.NamedTensorMap = {};
    let sq = 0;
    for (let i = 0; i < 40; i++) {
      const v = [i * 0.1, -0.5, (i % 3) - 1];
      sq += v.reduce((a, x) => a + x * x, 0);
      grads[`g${i}`] = tf.tensor1d(v);
    }
    const { grads: clipped, norm } = clipByGlobalNorm(grads, 1);
    expect((await norm.data())[0]).toBeCloseTo(Math.sqrt(sq), 3);
    const parts = await Promise.all(Object.values(clipped).map((g) => g.data()));
    const after = Math.sqrt(parts.flatMap((p) => Array.from(p)).reduce((a, x) => a + x * x, 0));
    expect(after).toBeCloseTo(1, 4);
    tf.dispose([...Object.values(grads), ...Object.values(clipped), norm]);
  });
});
