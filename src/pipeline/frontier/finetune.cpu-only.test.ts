import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tokenLogProbs } from '../../objectives/logprobs';
import { sftLoss, unlikelihoodLoss } from '../../objectives/losses';
import { testModel, testPairs } from '../../test/helpers';
import { liveTensors } from '../../test/leaks';
import { collatePairs, collateSequences, fitToLength } from '../collate';
import { batchTensors } from '../train/tensors';
import { PairFinetuner } from './finetune';

const PAIRS = testPairs(4);
const COLLATE = { padId: 31, maxLength: 16 };
const OPTIM = { kind: 'adam' as const, lr: 1e-2, warmupSteps: 0, maxGradNorm: 10 };

/** The objective of the whole fixture under the model as it is now (no update). */
async function objectiveNow(
  model: ReturnType<typeof testModel>,
  kind: 'preferred-ft' | 'unlikelihood',
  alpha = 1,
): Promise<number> {
  const t =
    kind === 'preferred-ft'
      ? batchTensors(
          collateSequences(
            PAIRS.map((p) => fitToLength(p.prompt, p.chosen, COLLATE.maxLength)),
            COLLATE.padId,
          ),
        )
      : batchTensors(collatePairs(PAIRS, COLLATE));
  const loss = tf.tidy(() => {
    const lp = tokenLogProbs(model.forward(t.ids, { attentionMask: t.attentionMask }), t.ids);
    if (kind === 'preferred-ft') return sftLoss(lp, t.completionMask);
    const B = PAIRS.length;
    const [N, T1] = lp.shape;
    const T = T1 + 1;
    const half = <R extends tf.Tensor2D>(x: R, from: number, cols: number) =>
      tf.slice(x, [from, 0], [B, cols]) as R;
    expect(N).toBe(2 * B);
    return tf.mean(
      unlikelihoodLoss(
        { tokenLogps: half(lp, 0, T1), completionMask: half(t.completionMask, 0, T) },
        { tokenLogps: half(lp, B, T1), completionMask: half(t.completionMask, B, T) },
        alpha,
      ),
    );
  });
  const v = (await loss.data())[0] ?? Number.NaN;
  tf.dispose([loss, t.ids, t.attentionMask, t.completionMask]);
  return v;
}

describe('PairFinetuner', () => {
  for (const kind of ['preferred-ft', 'unlikelihood'] as const) {
    it(`${kind}: reports the loss before the update and decreases it`, async () => {
      const model = testModel(5);
      const objective = kind === 'preferred-ft' ? {} : { unlikelihoodAlpha: 0.5 };
      // Batch = the whole fixture, so each step's loss is the objective above.
      const trainer = new PairFinetuner(
        model,
        PAIRS,
        { ...objective, optim: OPTIM, batchSize: 4, seed: 1 },
        COLLATE,
      );
      const expected = await objectiveNow(model, kind, 0.5);
      const first = await trainer.trainStep(true);
      expect(first?.loss).toBeCloseTo(expected, 4);
      expect(first?.grad_norm).toBeGreaterThan(0);
      const live = liveTensors(); // after Adam made its slots
      for (let i = 0; i < 20; i++) await trainer.trainStep(false);
      live.expectUnchanged();
      const last = await trainer.trainStep(true);
      expect(trainer.step).toBe(22);
      expect(last?.loss).toBeLessThan((first?.loss ?? 0) * 0.8);
      expect(await objectiveNow(model, kind, 0.5)).toBeLessThan(expected * 0.8);
      trainer.dispose();
      model.dispose();
    });
  }

  it('rejects an empty dataset', () => {
    const model = testModel(1);
    expect(
      () => new PairFinetuner(model, [], { optim: OPTIM, batchSize: 2, seed: 1 }, COLLATE),
    ).toThrow('no preference pairs to train on');
    model.dispose();
  });
});
