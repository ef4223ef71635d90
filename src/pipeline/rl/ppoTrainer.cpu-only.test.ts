import { describe, expect, it } from 'vitest';
import { seededIds, testModel } from '../../test/helpers';
import { liveTensors } from '../../test/leaks';
import { DEFAULT_PPO_CONFIG, PPO_METRIC_KEYS, type PpoConfig, PpoTrainer } from './ppoTrainer';
import { perSampleReward } from './rewardFunction';

const EOT = 31;
const PROMPTS = Array.from({ length: 16 }, (_, i) => {
  const ids = seededIds(2, 30, 77 + i);
  return { ids: [EOT, ...ids], text: ids.join(' ') };
});
/** Synthetic reward: +1 per occurrence of token 5. */
const countFives = perSampleReward(
  (_prompt, _text, tokens) => tokens.filter((t) => t === 5).length,
);
const TOKENS = { eotId: EOT, padId: 0, decode: (ids: number[]) => ids.join(' ') };

const CONFIG: PpoConfig = {
  ...DEFAULT_PPO_CONFIG,
  maxNewTokens: 8,
  kl: { adaptive: true, init: 0.05, target: 6, horizon: 10_000 },
  optim: { kind: 'adam', lr: 1e-2, warmupSteps: 0, maxGradNorm: 1 },
  seed: 3,
};

describe('PpoTrainer', () => {
  it('reports TRL metrics, starts at KL 0, counts its updates, leaks nothing', async () => {
    // Small enough for WebGPU on SwiftShader (≈ 6 s an iteration there).
    const cfg = { ...CONFIG, batchSize: 4, miniBatchSize: 2, ppoEpochs: 1, maxNewTokens: 4 };
    const sft = testModel(12, false);
    const policy = sft.clone(true);
    const trainer = new PpoTrainer(policy, sft, PROMPTS, countFives, cfg, TOKENS);
    const first = { metrics: (await trainer.trainStep(true)) ?? {}, samples: trainer.lastSamples };
    expect(Object.keys(first.metrics).sort()).toEqual([...PPO_METRIC_KEYS].sort());
    // Iteration 1 samples from π_θ = π_ref: the sampled KL is 0 and β the initial one.
    expect(first.metrics['objective/kl']).toBeCloseTo(0, 4);
    expect(first.metrics['ppo/mean_non_score_reward']).toBeCloseTo(0, 4);
    expect(first.metrics['objective/kl_coef']).toBe(0.05);
    // Of the two updates the first sees ratio ≈ 1 (nothing clipped): mean clip fraction ≤ ½.
    expect(first.metrics['ppo/policy/clipfrac']).toBeLessThanOrEqual(0.5);
    expect(first.samples).toHaveLength(4);
    expect(first.metrics['env/reward_mean']).toBeCloseTo(
      first.samples.reduce((a, s) => a + s.score, 0) / 4,
      10,
    );
    expect(first.metrics['tokens/responses_len_mean']).toBeCloseTo(
      first.samples.reduce((a, s) => a + s.tokens.length, 0) / 4,
      10,
    );
    const live = liveTensors();
    const second = (await trainer.trainStep(true)) ?? {};
    live.expectUnchanged();
    for (const k of PPO_METRIC_KEYS) expect(Number.isFinite(second[k]), k).toBe(true);
    expect(trainer.step).toBe(2);
    expect(trainer.updates).toBe(2 * 1 * 2); // 2 iterations × 1 epoch × 2 minibatches
    trainer.dispose();
    policy.dispose();
    sft.dispose();
  });

  it('raises a synthetic reward over a few iterations with a finite KL', async () => {
    // ≈ 14 s on the CPU backend; minutes on SwiftShader, so this file runs on the CPU only.
    const sft = testModel(12, false);
    const policy = sft.clone(true);
    const trainer = new PpoTrainer(policy, sft, PROMPTS, countFives, CONFIG, TOKENS);
    const rewards: number[] = [];
    for (let i = 0; i < 8; i++) {
      const log = (await trainer.trainStep(true)) ?? {};
      rewards.push(log['env/reward_mean'] ?? Number.NaN);
      for (const k of PPO_METRIC_KEYS) expect(Number.isFinite(log[k]), k).toBe(true);
      expect(log['objective/kl']).toBeLessThan(20);
    }
    // Random init: P(token 5) ≈ 1/32 per token, ≈ 0.25 per 8-token completion.
    const early = ((rewards[0] ?? 0) + (rewards[1] ?? 0)) / 2;
    const late = ((rewards[6] ?? 0) + (rewards[7] ?? 0)) / 2;
    expect(early).toBeLessThan(0.5);
    expect(late).toBeGreaterThan(early + 1);
    expect(trainer.updates).toBe(8 * 4 * 2); // 8 iterations × 4 epochs × 2 minibatches
    // The KL stayed under the 6-nat target most iterations, so β moved down.
    expect(trainer.klController.value).toBeLessThan(0.05);
    trainer.dispose();
    policy.dispose();
    sft.dispose();
  });

  it('validates its config', () => {
    const m = testModel(1);
    expect(
      () => new PpoTrainer(m, m, PROMPTS, countFives, { ...CONFIG, ppoEpochs: 0 }, TOKENS),
    ).toThrow('ppoEpochs must be a positive integer');
    expect(() => new PpoTrainer(m, m, [], countFives, CONFIG, TOKENS)).toThrow(
      'no training prompts',
    );
    m.dispose();
  });
});
