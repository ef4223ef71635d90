import { describe, expect, it } from 'vitest';
import { seededIds, testModel } from '../../test/helpers';
import { liveTensors } from '../../test/leaks';
import type { TokenizedPair } from '../collate';
import { pairCompletions, RewardModelTrainer } from './rewardModelTrainer';

const COLLATE = { padId: 0, maxLength: 16 };
const GOOD = 5;
const OPTIM = { kind: 'adam', lr: 3e-3, warmupSteps: 3, maxGradNorm: 10 } as const;

/** Pairs whose chosen completion contains token 5 and whose rejected one does not. */
function tokenFivePairs(n: number, seed: number): TokenizedPair[] {
  return Array.from({ length: n }, (_, i) => {
    const ids = seededIds(12, 29, seed * 1000 + i).map((t) => (t >= GOOD ? t + 2 : t + 1)); // 1..30, no 5
    const chosen = ids.slice(2, 6);
    chosen[i % 4] = GOOD;
    return { prompt: [31, ...ids.slice(0, 2)], chosen, rejected: ids.slice(6, 6 + 3 + (i % 3)) };
  });
}

const meanStd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return [m, Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length)];
};

describe('RewardModelTrainer', () => {
  it('starts at ln 2, steps without leaking, normalises, then hands the model over', async () => {
    const sft = testModel(4, false);
    const train = tokenFivePairs(12, 1);
    const trainer = new RewardModelTrainer(
      sft,
      train,
      { optim: OPTIM, batchSize: 4, seed: 2 },
      COLLATE,
    );
    const first = await trainer.trainStep(true);
    // A fresh head (weights N(0, 0.02)) scores everything ≈ 0: loss ≈ ln 2, accuracy a coin.
    expect(first?.loss).toBeCloseTo(Math.LN2, 1);
    expect(first?.learning_rate).toBeCloseTo(1e-3, 10); // warm-up: 3e-3 · 1/3
    expect(first?.grad_norm).toBeGreaterThan(0);
    const live = liveTensors();
    expect(await trainer.trainStep(false)).toBeNull();
    expect(await trainer.trainStep(true)).not.toBeNull();
    live.expectUnchanged();
    expect(trainer.step).toBe(3);

    const model = await trainer.finish();
    const rows = pairCompletions(train);
    const [m, sd] = meanStd(await model.score(rows));
    expect(m).toBeCloseTo(0, 4);
    expect(sd).toBeCloseTo(1, 4);
    const raw = await model.rawScores(rows.slice(0, 1));
    const viaReward = await model.asRewardFunction()([
      {
        prompt: { ids: rows[0]?.prompt ?? [], text: '' },
        completion: rows[0]?.completion ?? [],
        text: '',
      },
    ]);
    expect(viaReward[0]).toBeCloseTo(((raw[0] ?? 0) - model.mean) / model.std, 5);

    await expect(trainer.trainStep(false)).rejects.toThrow('handed over');
    trainer.dispose(); // the model was handed over: still the caller's
    expect(Number.isFinite((await model.rawScores([{ prompt: [31], completion: [5] }]))[0])).toBe(
      true,
    );
    model.dispose();
    sft.dispose();
  });

  it('learns to prefer completions containing token 5 (held-out accuracy > 0.9)', async () => {
    // ≈ 14 s on the CPU backend; minutes on SwiftShader, so this file runs on the CPU only.
    const sft = testModel(4, false);
    const trainer = new RewardModelTrainer(
      sft,
      tokenFivePairs(48, 1),
      { optim: OPTIM, batchSize: 8, seed: 2 },
      COLLATE,
    );
    let last: Record<string, number> | null = null;
    for (let s = 0; s < 60; s++) last = (await trainer.trainStep(s === 59)) ?? last;
    expect(last?.loss).toBeLessThan(0.3);
    expect(last?.accuracy).toBeGreaterThan(0.9);
    const model = await trainer.finish();
    const heldOut = tokenFivePairs(40, 2);
    const chosen = await model.score(
      heldOut.map((p) => ({ prompt: p.prompt, completion: p.chosen })),
    );
    const rejected = await model.score(
      heldOut.map((p) => ({ prompt: p.prompt, completion: p.rejected })),
    );
    const wins = chosen.filter((c, i) => c > (rejected[i] ?? Number.POSITIVE_INFINITY)).length;
    expect(wins / 40).toBeGreaterThan(0.9);
    model.dispose();
    sft.dispose();
  });

  it('pairCompletions lists each prompt + completion once', () => {
    const rows = pairCompletions([
      { prompt: [31, 1], chosen: [2], rejected: [3] },
      { prompt: [31, 1], chosen: [2], rejected: [4] },
      { prompt: [31, 9], chosen: [2], rejected: [3] },
    ]);
    expect(rows.map((r) => [...r.prompt, ...r.completion])).toEqual([
      [31, 1, 2],
      [31, 1, 3],
      [31, 1, 4],
      [31, 9, 2],
      [31, 9, 3],
    ]);
  });
});
