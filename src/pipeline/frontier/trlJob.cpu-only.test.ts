import { describe, expect, it } from 'vitest';
import { groundTruthReward } from '../../task/reward';
import { seedStreams } from './seeds';
import { parseSweepConfig } from './sweepConfig';
import { rewardCheckCases, rewardLexicon, trlJobRunsMarkdown, trlJobSpec } from './trlJob';

const sweep = parseSweepConfig({
  name: 'trl',
  seeds: [1, 4],
  runs: [
    { algorithm: 'sft' },
    { algorithm: 'dpo', beta: 0.1 },
    { algorithm: 'dpo', beta: 0.1, reduction: 'mean' },
    { algorithm: 'dpo', loss: 'robust', beta: 0.5, labelSmoothing: 0.1 },
    { algorithm: 'dpo', loss: 'ipo', beta: 0.5, reduction: 'mean' },
    { algorithm: 'dpo', loss: 'ipo', beta: 0.5 },
    { algorithm: 'dpo', loss: 'cdpo', beta: 0.1, labelSmoothing: 0.1 },
    { algorithm: 'dpo', beta: 0.1, rounds: 3 },
    { algorithm: 'unlikelihood' },
    { algorithm: 'ppo-gt' },
    { algorithm: 'dpo', loss: 'simpo', beta: 2, simpoGamma: 0.8 },
    { algorithm: 'dpo', loss: 'simpo', beta: 2, rounds: 2 },
    { algorithm: 'preferred-ft' },
    { algorithm: 'dpo', loss: 'rpo', beta: 0.1 },
    { algorithm: 'dpo', loss: 'orpo', beta: 0.1 },
  ],
});

describe('trlJobSpec', () => {
  const spec = trlJobSpec(sweep, 'test', 'cfg.json');
  const plan = (i: number) => spec.runs[i]?.trl;

  it('maps each DPO loss to the TRL 1.13 loss_type that computes it', () => {
    expect(plan(0)).toEqual({ kind: 'reference' });
    expect(plan(1)).toEqual({ kind: 'dpo', lossType: ['sigmoid'] });
    expect(plan(2)).toEqual({ kind: 'dpo', lossType: ['sigmoid_norm'] });
    expect(plan(3)).toEqual({
      kind: 'dpo',
      lossType: ['robust'],
      args: { label_smoothing: 0.1 },
    });
    expect(plan(4)).toEqual({ kind: 'dpo', lossType: ['ipo'] });
    expect(spec.runs[1]?.beta).toBe(0.1);
  });

  it('runs online DPO as rounds of its trainer, SimPO on CPOTrainer, Preferred-FT on SFTTrainer', () => {
    expect(plan(7)).toEqual({ kind: 'dpo', lossType: ['sigmoid'], rounds: 3 });
    expect(plan(10)).toEqual({
      kind: 'cpo',
      lossType: 'simpo',
      args: { simpo_gamma: 0.8, cpo_alpha: 0 },
    });
    expect(plan(11)).toEqual({
      kind: 'cpo',
      lossType: 'simpo',
      args: { simpo_gamma: 0.5, cpo_alpha: 0 },
      rounds: 2,
    });
    expect(plan(12)).toEqual({ kind: 'sft' });
    expect(spec.runs[10]?.beta).toBe(2);
    const md = trlJobRunsMarkdown(spec);
    expect(md).toContain('| `preferred-ft` | Preferred-FT | SFTTrainer on the chosen completions');
    expect(md).toContain(
      '| `online-dpo-beta0.1-r3` | online DPO β=0.1 (3 rounds) | DPOTrainer, loss_type ["sigmoid"], 3 online rounds |',
    );
    expect(md).toContain(
      'trl.experimental CPOTrainer, loss_type "simpo", {"simpo_gamma":0.8,"cpo_alpha":0}',
    );
  });

  it('says why TRL cannot run the others', () => {
    const reasons = Object.fromEntries(
      spec.runs.flatMap((r) => (r.trl === null ? [[r.id, r.unsupported]] : [])),
    );
    expect(Object.keys(reasons)).toEqual([
      'ipo-beta0.5-2',
      'cdpo-beta0.1',
      'unlikelihood-alpha1',
      'ppo-gt',
      'rpo-beta0.1',
      'orpo-beta0.1',
    ]);
    expect(reasons['ipo-beta0.5-2']).toMatch(/averages log-probs per token/);
    expect(reasons['rpo-beta0.1']).toMatch(/^RPO \(sum reduction\): TRL 1.13 has no rpo_alpha/);
    expect(reasons['orpo-beta0.1']).toMatch(
      /^ORPO: .*over the prompt’s and the chosen completion’s tokens/,
    );
    expect(reasons['unlikelihood-alpha1']).toMatch(/no unlikelihood trainer/);
    expect(reasons['ppo-gt']).toMatch(/ships no PPOTrainer/);
    expect(trlJobRunsMarkdown(spec)).toContain('| `ppo-gt` | PPO-GT | not run: PPO-GT:');
  });

  it("carries each seed's purpose streams and the resolved training settings", () => {
    expect(spec.seeds).toEqual([
      { seed: 1, streams: seedStreams(1) },
      { seed: 4, streams: seedStreams(4) },
    ]);
    expect(spec.runs[1]?.train).toMatchObject({ steps: 60, lr: 5e-4, batchSize: 8 });
  });
});

describe('reward data', () => {
  it('ships the labels the analyzer scores with: AFINN-165 and the emoji', () => {
    const { labels, temperature } = rewardLexicon();
    expect(temperature).toBe(3);
    expect(labels.good).toBe(3);
    expect(labels['😀']).toBeGreaterThan(0);
    expect(Object.keys(labels).length).toBeGreaterThan(4000);
  });

  it('builds parity cases from reviews, scored by the app', () => {
    const reviews = Array.from({ length: 50 }, (_, i) => ({
      text: `The film was ${i % 2 ? 'not ' : ''}good and the cast superb, truly.`,
      sentiment: 'positive' as const,
    }));
    const cases = rewardCheckCases(reviews);
    expect(cases.length).toBeGreaterThan(200);
    for (const c of cases) expect(c.reward).toBe(groundTruthReward(c.completion, c.prompt));
    expect(cases).toContainEqual({
      prompt: 'The film was not',
      completion: ' good and the cast superb, truly.',
      reward: groundTruthReward(' good and the cast superb, truly.', 'The film was not'),
    });
  });
});
