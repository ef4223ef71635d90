/** One forward pass of a freshly initialised preset model: the engine check. */
import * as tf from '@tensorflow/tfjs';
import { makeConfig, type PresetName, parameterCount } from '../model/config';
import { GPT } from '../model/gpt';
import type { SmokeResult } from './protocol';

export async function smokeForward(
  preset: PresetName,
  batch: number,
  seqLen: number,
  seed: number,
): Promise<SmokeResult> {
  const config = makeConfig({ preset, vocabSize: 512, blockSize: Math.max(seqLen, 64) });
  const model = GPT.create(config, seed);
  const ids = tf.tensor2d(
    Array.from({ length: batch * seqLen }, (_, i) => (i * 7919 + seed) % config.vocabSize),
    [batch, seqLen],
    'int32',
  );
  try {
    const t0 = performance.now();
    const logits = model.forward(ids);
    const sum = tf.sum(logits);
    const checksum = (await sum.data())[0] ?? Number.NaN;
    const ms = performance.now() - t0;
    const shape = logits.shape.slice();
    tf.dispose([logits, sum]);
    return {
      preset,
      parameters: parameterCount(config),
      logitsShape: shape,
      checksum,
      finite: Number.isFinite(checksum),
      ms,
    };
  } finally {
    ids.dispose();
    model.dispose();
  }
}
