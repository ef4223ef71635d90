// WebGPU and the tfjs CPU backend compute the same DPO loss and gradients for the same model.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOSS } from '../objectives/losses';
import { collatePairs } from '../pipeline/collate';
import { preferenceObjective, referenceLogps } from '../pipeline/preferenceStep';
import { batchTensors } from '../pipeline/train/tensors';
import { maxAbsDiff, testModel, testPairs } from '../test/helpers';

async function lossAndGrads() {
  const batch = collatePairs(testPairs(3), { padId: 0, maxLength: 16 });
  const ref = testModel(11, false);
  const policy = testModel(12);
  const cached = await referenceLogps(ref, batch);
  const t = batchTensors(batch);
  const { value, grads } = tf.variableGrads(() => {
    const o = preferenceObjective(policy, t, cached, { ...DEFAULT_LOSS, beta: 1 }, batch.pairs);
    tf.dispose([o.metrics, o.perPair]);
    return o.loss;
  }, policy.variables());
  const names = [...policy.params.keys()];
  const out = {
    loss: (await value.data())[0] ?? Number.NaN,
    grads: await Promise.all(
      names.map(async (n) => {
        const v = policy.params.get(n);
        return v ? Array.from(await (grads[v.name] ?? tf.zeros([1])).data()) : [];
      }),
    ),
  };
  tf.dispose([value, ...Object.values(grads), t.ids, t.attentionMask, t.completionMask]);
  ref.dispose();
  policy.dispose();
  return out;
}

describe('backends agree', () => {
  afterAll(async () => {
    await tf.setBackend('webgpu');
  });

  it('webgpu and cpu give the same DPO loss and gradients', async () => {
    expect(tf.getBackend()).toBe('webgpu');
    const gpu = await lossAndGrads();
    await tf.setBackend('cpu');
    const cpu = await lossAndGrads();
    expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThan(1e-5);
    gpu.grads.forEach((g, i) => {
      const c = cpu.grads[i] ?? [];
      const scale = Math.max(1e-3, ...c.map(Math.abs));
      expect(maxAbsDiff(g, c) / scale).toBeLessThan(1e-3);
    });
  });
});
