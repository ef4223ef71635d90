import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { values } from '../test/helpers';
import { leakCheckEach } from '../test/leaks';
import { bradleyTerryLoss, REWARD_MODEL_METRIC_KEYS, rewardModelMetrics } from './rewardModel';

describe('Bradley–Terry reward-model loss', () => {
  leakCheckEach();

  it('is ln 2 at equal rewards and log(1 + e^−m) at margin m', async () => {
    const losses = await values(
      bradleyTerryLoss(tf.tensor1d([0.3, 2, 0]), tf.tensor1d([0.3, 1, 3])),
    );
    expect(losses[0]).toBeCloseTo(Math.LN2, 6);
    expect(losses[1]).toBeCloseTo(Math.log1p(Math.exp(-1)), 6); // 0.3132617
    expect(losses[2]).toBeCloseTo(Math.log1p(Math.exp(3)), 5); // 3.0485874
  });

  it('stays finite for huge margins', async () => {
    const losses = await values(
      bradleyTerryLoss(tf.tensor1d([-200, 200]), tf.tensor1d([200, -200])),
    );
    expect(losses[0]).toBeCloseTo(400, 3);
    expect(losses[1]).toBeCloseTo(0, 6);
  });

  it('pushes the chosen reward up and the rejected down (gradient −σ(−m), +σ(−m))', async () => {
    const rw = tf.tensor1d([0.5]);
    const rl = tf.tensor1d([0.5]);
    const [gw, gl] = tf.grads((w: tf.Tensor, l: tf.Tensor) =>
      tf.mean(bradleyTerryLoss(w as tf.Tensor1D, l as tf.Tensor1D)),
    )([rw, rl]);
    expect((await values(gw as tf.Tensor))[0]).toBeCloseTo(-0.5, 6);
    expect((await values(gl as tf.Tensor))[0]).toBeCloseTo(0.5, 6);
  });

  it('packs loss, strict accuracy, margin and mean rewards', async () => {
    const m = await values(rewardModelMetrics(tf.tensor1d([2, 0, 1]), tf.tensor1d([1, 0, 3])));
    expect(REWARD_MODEL_METRIC_KEYS).toEqual([
      'loss',
      'accuracy',
      'margin',
      'rewards/chosen',
      'rewards/rejected',
    ]);
    const loss = (Math.log1p(Math.exp(-1)) + Math.LN2 + Math.log1p(Math.exp(2))) / 3;
    expect(m[0]).toBeCloseTo(loss, 5);
    expect(m[1]).toBeCloseTo(1 / 3, 6); // the tie counts as wrong
    expect(m[2]).toBeCloseTo(-1 / 3, 6);
    expect(m[3]).toBeCloseTo(1, 6);
    expect(m[4]).toBeCloseTo(4 / 3, 6);
  });
});
