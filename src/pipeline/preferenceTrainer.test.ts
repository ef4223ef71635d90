import { describe, expect, it } from 'vitest';
import { DEFAULT_LOSS } from '../objectives/losses';
import { testModel, testPairs } from '../test/helpers';
import { liveTensors } from '../test/leaks';
import { DEFAULT_OPTIM } from './optim';
import { PreferenceTrainer, precomputeReference } from './preferenceTrainer';

const COLLATE = { padId: 0, maxLength: 16 };

describe('PreferenceTrainer', () => {
  it('caches π_ref, trains DPO, honours β changes mid-run, leaks nothing', async () => {
    const pairs = testPairs(6, 3);
    const ref = testModel(21, false);
    const policy = ref.clone(true);
    const reference = await precomputeReference(ref, pairs, COLLATE, 4);
    expect(reference).toHaveLength(6);
    const trainer = new PreferenceTrainer(
      policy,
      pairs,
      reference,
      {
        loss: { ...DEFAULT_LOSS, beta: 0.5 },
        optim: { ...DEFAULT_OPTIM, lr: 2e-2, warmupSteps: 3 },
        batchSize: 3,
        seed: 1,
      },
      COLLATE,
    );
    const first = await trainer.trainStep(true);
    expect(first?.loss).toBeCloseTo(Math.LN2, 4);
    expect(first?.learning_rate).toBeCloseTo(2e-2 / 3, 8);
    // At step 0 π_θ = π_ref, so the inspector's π_θ log-probs equal the cached π_ref ones.
    const detail = trainer.lastDetail;
    detail?.policyChosen.forEach((p, i) => {
      expect(p).toBeCloseTo(detail.reference[i]?.chosen ?? 0, 3);
    });
    const live = liveTensors();
    const seen = new Set<number>(detail?.indices);
    for (let i = 0; i < 18; i++) {
      const log = await trainer.trainStep(i % 6 === 0);
      for (const j of (log && trainer.lastDetail?.indices) || []) seen.add(j);
    }
    live.expectUnchanged();
    trainer.update({ loss: { beta: 0.1 } });
    const last = await trainer.trainStep(true);
    expect(trainer.lastDetail?.beta).toBe(0.1);
    expect(trainer.step).toBe(20);
    expect(last?.['rewards/margins']).toBeGreaterThan(0);
    expect(last?.['rewards/accuracies']).toBeGreaterThanOrEqual(2 / 3);
    expect(seen.size).toBe(6);
    trainer.dispose();
    policy.dispose();
    ref.dispose();
  });

  it('refuses a reference-based loss without π_ref', () => {
    const m = testModel(1);
    const cfg = { loss: DEFAULT_LOSS, optim: DEFAULT_OPTIM, batchSize: 2, seed: 0 };
    expect(() => new PreferenceTrainer(m, testPairs(2), null, cfg, COLLATE)).toThrow(/π_ref/);
    expect(
      () =>
        new PreferenceTrainer(
          m,
          testPairs(2),
          null,
          { ...cfg, loss: { ...DEFAULT_LOSS, type: 'simpo' } },
          COLLATE,
        ),
    ).not.toThrow();
    m.dispose();
  });
});
