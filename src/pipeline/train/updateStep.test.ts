import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { liveTensors } from '../../test/leaks';
import { updateStep } from './updateStep';

describe('updateStep', () => {
  // L(w) = ½‖w‖², so ∇L = w: with w = [3, 4] the gradient norm is 5.
  const setup = () => {
    const w = tf.variable(tf.tensor1d([3, 4]));
    const model = { variables: () => [w] };
    const half = () => tf.mul(0.5, tf.sum(tf.square(w))) as tf.Scalar;
    return { w, model, half };
  };

  it('packs [loss, grad_norm], clips to maxGradNorm and applies once (hand-computed)', async () => {
    const { w, model, half } = setup();
    const opt = tf.train.sgd(1);
    const packed = updateStep(model, opt, () => ({ loss: half() }), 1);
    // L = 12.5 and ‖∇L‖ = 5 before the update; the clipped step is w/5 (norm 1).
    expect(Array.from(await packed.data())).toEqual([12.5, 5]);
    const after = Array.from(await w.data());
    expect(after[0]).toBeCloseTo(2.4, 5);
    expect(after[1]).toBeCloseTo(3.2, 5);
    tf.dispose([packed, w]);
    opt.dispose();
  });

  it('puts a report before grad_norm and leaves an unclipped gradient alone', async () => {
    const { w, model, half } = setup();
    const opt = tf.train.sgd(0.1);
    const live = liveTensors();
    const packed = updateStep(
      model,
      opt,
      () => ({ loss: half(), report: tf.stack([tf.sum(w), tf.max(w)]) as tf.Tensor1D }),
      Number.POSITIVE_INFINITY,
    );
    expect(Array.from(await packed.data())).toEqual([7, 4, 5]);
    // w − 0.1·w = 0.9·w.
    const after = Array.from(await w.data());
    expect(after[0]).toBeCloseTo(2.7, 5);
    expect(after[1]).toBeCloseTo(3.6, 5);
    // Only the packed output outlives the step.
    live.expectUnchanged(1);
    tf.dispose([packed, w]);
    opt.dispose();
  });
});
