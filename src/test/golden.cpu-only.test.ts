/**
 * Behaviour pinned to every digit: a small sweep's points and a default-settings run's metric
 * points, on the CPU backend, against JSON captured before the settings schema and the
 * algorithm modules were introduced. A refactor that changes what runs changes a digit here.
 * `GOLDEN_WRITE=1 npx vitest run src/test/golden` rewrites the files (only on purpose).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../model/config';
import { GPT } from '../model/gpt';
import { DEFAULT_DPO_SETTINGS, DpoRun } from '../pipeline/dpoRun';
import type { FrontierTask } from '../pipeline/frontier/data';
import { runSweep } from '../pipeline/frontier/sweep';
import { parseSweepConfig } from '../pipeline/frontier/sweepConfig';
import type { MetricPoint } from '../pipeline/views';
import { BpeTokenizer } from '../tokenizer/bpe';

const tokenizer = BpeTokenizer.train('good bad good bad fine good food', 262);
/** A synthetic reward: the share of the completion's letters that are "o". */
const reward = (s: string) => (s.match(/o/g)?.length ?? 0) / Math.max(1, s.length);
const TASK: FrontierTask = {
  tokenizer,
  trainPrompts: ['good', 'bad', 'fine', 'good bad', 'bad good', 'food'],
  evalPrompts: ['bad', 'good', 'fine bad', 'food good'],
  reward,
};
const sft = (seed: number) =>
  GPT.create(
    makeConfig({ nLayer: 1, nHead: 2, nEmbd: 16, vocabSize: tokenizer.vocabSize, blockSize: 24 }),
    seed,
  );

/** Compares with the committed file, or writes it when GOLDEN_WRITE=1. */
function golden(name: string, value: unknown): void {
  const path = resolve('src/test/golden', `${name}.json`);
  // Wall-clock rates differ run to run; everything else must not.
  const json = JSON.parse(
    JSON.stringify(value, (k, v: unknown) => (k.endsWith('per_second') ? undefined : v)),
  ) as unknown;
  if (process.env.GOLDEN_WRITE === '1') {
    writeFileSync(path, `${JSON.stringify(json, null, 1)}\n`);
    return;
  }
  expect(existsSync(path), `${path} is missing`).toBe(true);
  expect(json).toEqual(JSON.parse(readFileSync(path, 'utf8')));
}

describe('golden behaviour', () => {
  it('a mini sweep: every point identical', async () => {
    const model = sft(3);
    const sweep = parseSweepConfig({
      name: 'golden',
      data: { prompts: 6, maxNewTokens: 6 },
      eval: { prompts: 4, every: 2, maxNewTokens: 6 },
      train: { steps: 4, lr: 1e-2, batchSize: 4, warmupSteps: 0 },
      runs: [
        { algorithm: 'sft' },
        { algorithm: 'dpo', beta: 0.1 },
        { algorithm: 'dpo', loss: 'cdpo', beta: 0.1, labelSmoothing: 0.2 },
        { algorithm: 'dpo', loss: 'rpo', beta: 0.5, rpoAlpha: 0.5, steps: 3 },
        { algorithm: 'dpo', loss: 'simpo', beta: 2, simpoGamma: 0.3 },
        { algorithm: 'preferred-ft' },
        { algorithm: 'unlikelihood', alpha: 0.5, evalEvery: 4 },
        { algorithm: 'best-of-n', n: [1, 2], rewardModel: { steps: 3, batchSize: 4 } },
        {
          algorithm: 'ppo',
          steps: 2,
          ppo: { batchSize: 4, miniBatchSize: 2, ppoEpochs: 1 },
          rewardModel: { steps: 3, batchSize: 4 },
        },
        { algorithm: 'ppo-gt', steps: 2, ppo: { batchSize: 4, miniBatchSize: 4, ppoEpochs: 1 } },
      ],
    });
    const r = await runSweep(sweep, model, TASK, {});
    model.dispose();
    golden('mini-sweep', {
      pairs: r.pairs,
      points: r.points,
      runs: r.runs.map(({ seconds: _s, ...rest }) => rest),
    });
  });

  it('a run on the default settings: every metric point identical', async () => {
    const model = sft(5);
    const points: MetricPoint[] = [];
    const run = await DpoRun.prepare(
      model,
      TASK,
      {
        ...DEFAULT_DPO_SETTINGS,
        steps: 6,
        data: { ...DEFAULT_DPO_SETTINGS.data, prompts: 6, maxNewTokens: 6 },
        eval: { ...DEFAULT_DPO_SETTINGS.eval, every: 3, prompts: 4, maxNewTokens: 6 },
      },
      { onMetrics: (p) => points.push(p) },
    );
    while (!run.done) await run.trainStep();
    run.dispose();
    model.dispose();
    golden('default-run', points);
  });
});
