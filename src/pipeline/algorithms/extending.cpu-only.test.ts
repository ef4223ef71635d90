/**
 * Keeps the "add a baseline" recipe true: a baseline is one module (its entry and trainer
 * factory) plus its line in registry.ts. A module built here at runtime runs through the sweep
 * by an extended table, and no other source file names a built-in baseline's id.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeConfig } from '../../model/config';
import { GPT } from '../../model/gpt';
import { BpeTokenizer } from '../../tokenizer/bpe';
import type { FrontierTask } from '../frontier/data';
import { runSweep } from '../frontier/sweep';
import { parseSweepConfig } from '../frontier/sweepConfig';
import { algorithm } from './algorithm';
import { ALGORITHMS, algorithmTable } from './registry';

/** A dummy baseline: each step scales the policy's weights by (1 − decay); no gradient. */
const shrink = algorithm({
  id: 'shrink',
  label: 'Shrink',
  colour: '#777',
  kind: 'trained',
  schema: { decay: z.number().min(0).max(1).default(0.1) },
  names: (run) => ({ id: `shrink-${run.decay}`, label: `Shrink ${run.decay}` }),
  builder: null,
  trainer: async (run, _ctx, policy) => ({
    trainStep: async (log) => {
      tf.tidy(() => {
        for (const v of policy.variables()) v.assign(tf.mul(v, 1 - run.decay));
      });
      return log ? { decay: run.decay } : null;
    },
    dispose: () => {},
  }),
});

describe('adding a baseline', () => {
  it('a module plus a table line runs through parseSweepConfig and runSweep', async () => {
    const table = algorithmTable([...Object.values(ALGORITHMS), shrink]);
    const tokenizer = BpeTokenizer.train('good bad good bad fine good food', 262);
    const task: FrontierTask = {
      tokenizer,
      trainPrompts: ['good', 'bad', 'fine', 'good bad', 'bad good', 'food'],
      evalPrompts: ['bad', 'good'],
      reward: (s) => (s.match(/o/g)?.length ?? 0) / Math.max(1, s.length),
    };
    const sweep = parseSweepConfig(
      {
        name: 'extended',
        data: { prompts: 6, maxNewTokens: 6 },
        eval: { prompts: 2, every: 2, maxNewTokens: 4 },
        train: { steps: 2, batchSize: 2 },
        runs: [{ algorithm: 'shrink', decay: 0.5 }],
      },
      table,
    );
    expect(() => parseSweepConfig({ name: 'x', runs: [{ algorithm: 'shrink' }] })).toThrow(
      'algorithm must be one of',
    );
    const sft = GPT.create(
      makeConfig({ nLayer: 1, nHead: 2, nEmbd: 16, vocabSize: tokenizer.vocabSize, blockSize: 24 }),
      3,
    );
    const logs: Record<string, number>[] = [];
    const r = await runSweep(
      sweep,
      sft,
      task,
      { onLog: (_id, _p, _s, m) => logs.push(m) },
      1,
      table,
    );
    sft.dispose();
    expect(r.points.map((p) => [p.runId, p.algorithm, p.step])).toEqual([
      ['shrink-0.5', 'shrink', 0],
      ['shrink-0.5', 'shrink', 2],
    ]);
    expect(r.runs[0]?.label).toBe('Shrink 0.5');
    expect(logs).toEqual([{ decay: 0.5 }, { decay: 0.5 }]);
  });
});

/**
 * Files that may name a built-in baseline's id besides its own module and registry.ts, and
 * why. `ppo` is also the settings field of PPO and PPO-GT runs (`run.ppo`), not only an id.
 */
const ALLOWED: Record<string, { ids: string[]; why: string }> = {
  'pipeline/frontier/sweep.ts': {
    ids: ['best-of-n', 'ppo'],
    why: "the progress stage 'best-of-n' the UI store matches; the run.ppo settings field",
  },
  'pipeline/frontier/sweepConfig.ts': { ids: ['ppo'], why: 'the run.ppo settings field' },
  'pipeline/frontier/budget.ts': { ids: ['ppo'], why: 'the run.ppo settings field' },
  'ui/panels/SweepBuilder.tsx': {
    ids: ['preferred-ft'],
    why: 'the boxes ticked at first (UI code owned elsewhere; could move to the entries)',
  },
  'ui/store.ts': { ids: ['best-of-n'], why: "the sweep's progress stage 'best-of-n'" },
  'test/frontier.ts': { ids: ['ppo-gt'], why: 'a comment of the test helpers' },
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('the baselines are named in their modules only', () => {
  it('no other source file spells a built-in baseline id', () => {
    const own: Record<string, string> = {
      'preferred-ft': 'preferredFt.ts',
      unlikelihood: 'unlikelihood.ts',
      'best-of-n': 'bestOfN.ts',
      ppo: 'ppo.ts',
      'ppo-gt': 'ppoGt.ts',
    };
    const found: string[] = [];
    for (const path of sources('src')) {
      const file = relative('src', path).replaceAll('\\', '/');
      const text = readFileSync(path, 'utf8');
      for (const [id, module] of Object.entries(own)) {
        if (file === `pipeline/algorithms/${module}` || file === 'pipeline/algorithms/registry.ts')
          continue;
        if (ALLOWED[file]?.ids.includes(id)) continue;
        if (new RegExp(`['"\`]${id}['"\`]`).test(text)) found.push(`${file}: ${id}`);
      }
    }
    expect(found).toEqual([]);
  });
});
