/**
 * The playground trains the registry's other algorithms through the same run (DpoRun): on its
 * pairs, with its steps, learning rate and seed, evaluated the same way; PPO trains its reward
 * model first; Best-of-N and SFT say why they train nothing.
 */
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../model/config';
import { GPT } from '../model/gpt';
import { liveTensors } from '../test/leaks';
import { BpeTokenizer } from '../tokenizer/bpe';
import type { AlgorithmId } from './algorithms/registry';
import { DEFAULT_DPO_SETTINGS, DpoRun, type DpoRunSettings } from './dpoRun';
import type { MetricPoint } from './views';

const tokenizer = BpeTokenizer.train('good bad good bad fine good food', 262);
const task = {
  tokenizer,
  trainPrompts: ['good', 'bad', 'fine', 'good bad', 'bad good', 'food'],
  evalPrompts: ['bad', 'good'],
  reward: (s: string) => (s.match(/o/g)?.length ?? 0) / Math.max(1, s.length),
};
const sft = () =>
  GPT.create(
    makeConfig({ nLayer: 1, nHead: 2, nEmbd: 16, vocabSize: tokenizer.vocabSize, blockSize: 24 }),
    3,
  );

function settings(algorithm: AlgorithmId, lr = 1e-2): DpoRunSettings {
  return {
    ...DEFAULT_DPO_SETTINGS,
    algorithm,
    steps: 3,
    batchSize: 4,
    logEvery: 1,
    rounds: 3, // DPO's: the others train one round
    optim: { ...DEFAULT_DPO_SETTINGS.optim, lr, warmupSteps: 0 },
    data: { ...DEFAULT_DPO_SETTINGS.data, prompts: 6, maxNewTokens: 6 },
    eval: { every: 3, prompts: 2, maxNewTokens: 4, temperature: 1 },
  };
}

async function train(algorithm: AlgorithmId, lr?: number) {
  const model = sft();
  const points: MetricPoint[] = [];
  const stages = new Set<string>();
  const run = await DpoRun.prepare(model, task, settings(algorithm, lr), {
    onMetrics: (p) => points.push(p),
    onProgress: (stage) => stages.add(stage),
  });
  while (!run.done) await run.trainStep();
  run.dispose();
  model.dispose();
  return { points, stages };
}

describe('the playground trains every trained algorithm of the registry', () => {
  for (const algorithm of ['preferred-ft', 'unlikelihood', 'ppo-gt', 'ppo'] as const) {
    it(`${algorithm}: trains its steps, logs its loss, evaluates reward and KL`, async () => {
      const live = liveTensors();
      const { points, stages } = await train(algorithm);
      live.expectUnchanged();
      // Logged steps: a point with the algorithm's own metrics (not an evaluation or a round).
      const logged = points.filter((p) => p.step > 0 && !('eval/kl' in p) && !('round' in p));
      expect(logged.map((p) => p.step)).toEqual([1, 2, 3]);
      expect(points.some((p) => 'round' in p && p.round !== 1)).toBe(false);
      const evals = points.filter((p) => 'eval/kl' in p);
      expect(evals.map((p) => p.step)).toEqual([0, 3]);
      expect(evals[1]?.['eval/kl']).toBeGreaterThan(0); // π_θ moved
      if (algorithm === 'ppo') expect(stages.has('reward-model')).toBe(true);
      else expect(stages.has('reference')).toBe(false); // no cached π_ref log-probs needed
    });
  }

  it('the learning rate reaches a baseline (a different lr, a different run)', async () => {
    const a = await train('preferred-ft', 1e-2);
    const b = await train('preferred-ft', 1e-3);
    const kl = (r: { points: MetricPoint[] }) =>
      r.points.findLast((p) => 'eval/kl' in p)?.['eval/kl'];
    expect(kl(a)).not.toBe(kl(b));
  });

  it('Best-of-N and SFT say why the playground trains no policy for them', async () => {
    const model = sft();
    await expect(DpoRun.prepare(model, task, settings('best-of-n'))).rejects.toThrow(
      /trains no policy: it reranks/,
    );
    await expect(DpoRun.prepare(model, task, settings('sft'))).rejects.toThrow(/π_ref itself/);
    model.dispose();
  });
});
