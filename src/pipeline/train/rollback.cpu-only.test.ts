/**
 * NaN rollback on the template trainer, for algorithms other than DPO: a log step that reads a
 * non-finite loss throws NonFiniteError, and `rollback` to the last good checkpoint puts the
 * weights, optimiser, batch order and counters back, so training goes on as if it had not.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { seededIds, TEST_CONFIG, testModel, testPairs } from '../../test/helpers';
import { PairFinetuner } from '../frontier/finetune';
import type { SftSettings } from '../settings';
import { SftTrainer } from '../sftRun';
import { NonFiniteError, type Trainer } from './trainer';

const OPTIM = { kind: 'adam' as const, lr: 1e-2, warmupSteps: 2, maxGradNorm: 10 };
const SFT: SftSettings = {
  preset: 'nano',
  vocabSize: TEST_CONFIG.vocabSize,
  blockSize: 8,
  steps: 10,
  batchSize: 3,
  lr: 1e-2,
  warmupSteps: 2,
  maxGradNorm: 1,
  seed: 4,
  logEvery: 1,
};
const STREAM = Int32Array.from(seededIds(200, TEST_CONFIG.vocabSize, 9));

const cases: [string, (m: ReturnType<typeof testModel>) => Trainer<unknown>][] = [
  [
    'Preferred-FT',
    (m) =>
      new PairFinetuner(
        m,
        testPairs(6),
        { optim: OPTIM, batchSize: 2, seed: 3 },
        {
          padId: 31,
          maxLength: 16,
        },
      ) as Trainer<unknown>,
  ],
  ['SFT', (m) => new SftTrainer(m, STREAM, SFT) as Trainer<unknown>],
];

describe('rollback after a non-finite loss', () => {
  for (const [name, make] of cases) {
    it(`${name}: throws NonFiniteError, rolls back, then trains as the clean run does`, async () => {
      const clean = testModel(7);
      const cleanTrainer = make(clean);
      const expected: (Record<string, number> | null)[] = [];
      for (let i = 0; i < 5; i++) expected.push(await cleanTrainer.trainStep(true));

      const model = testModel(7);
      const trainer = make(model);
      for (let i = 0; i < 3; i++) await trainer.trainStep(i === 2);
      const good = await trainer.checkpoint();
      // A poisoned weight: the next loss is NaN.
      const w = model.variables()[0] as tf.Variable;
      tf.tidy(() => w.assign(tf.fill(w.shape, Number.NaN)));
      const err = await trainer.trainStep(true).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NonFiniteError);
      expect((err as NonFiniteError).step).toBe(4);
      await expect(trainer.checkpoint()).rejects.toBeInstanceOf(NonFiniteError);

      await trainer.rollback(good);
      expect(trainer.step).toBe(3);
      expect(trainer.updates).toBe(3);
      expect(await trainer.trainStep(true)).toEqual(expected[3]);
      expect(await trainer.trainStep(true)).toEqual(expected[4]);
      for (const t of [trainer, cleanTrainer]) t.dispose();
      model.dispose();
      clean.dispose();
    });
  }
});
