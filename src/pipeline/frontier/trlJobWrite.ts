/**
 * `npm run frontier -- CONFIG --export-trl DIR` (Node): writes the sweep as a self-contained
 * TRL + Accelerate job folder (trlJob.ts says what each file holds):
 *
 *   DIR/job.py, reward.py              from trljob/ (the template)
 *   DIR/README.md                      trljob/README.md + this sweep's runs (trlJobRunsMarkdown)
 *   DIR/frontier-config.json           the sweep as parsed (the app's --replot reads it)
 *   DIR/requirements.txt               python/requirements.txt's pins of what the job imports
 *   DIR/sweep.json, prompts.json, lexicon.json, reward_check.json
 *   DIR/model/                         the sweep's checkpoint as a Hugging Face GPT-2 folder
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint } from '../../model/checkpoint';
import { exportHfGpt2 } from '../../model/hf/gpt2';
import { builtinTask } from '../../task/builtin';
import { BpeTokenizer } from '../../tokenizer/bpe';
import type { SweepConfig } from './sweepConfig';
import { builtinFrontierTask } from './task';
import {
  rewardCheckCases,
  rewardLexicon,
  trlJobPrompts,
  trlJobRunsMarkdown,
  trlJobSpec,
} from './trlJob';

const TEMPLATE_FILES = ['job.py', 'reward.py'];

/** Packages job.py and reward.py import (their pins come from python/requirements.txt). */
const JOB_PACKAGES = [
  'torch',
  'transformers',
  'trl',
  'tokenizers',
  'safetensors',
  'accelerate',
  'datasets',
  'numpy',
];

function jobRequirements(root: string): string {
  const pins = readFileSync(join(root, 'python', 'requirements.txt'), 'utf8')
    .split('\n')
    .filter((line) => JOB_PACKAGES.includes(line.split('==')[0] ?? ''));
  const missing = JOB_PACKAGES.filter((p) => !pins.some((l) => l.startsWith(`${p}==`)));
  if (missing.length > 0) throw new Error(`python/requirements.txt pins no ${missing.join(', ')}`);
  return `# Pinned as in the app's python/requirements.txt (the versions its interop test runs).\n${pins.join('\n')}\n`;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Writes the job folder; `root` is the repository (trljob/, python/requirements.txt). */
export async function writeTrlJob(
  dir: string,
  sweep: SweepConfig,
  split: 'test' | 'validation',
  configPath: string,
  root = process.cwd(),
): Promise<void> {
  mkdirSync(join(dir, 'model'), { recursive: true });
  const { model, checkpoint } = loadCheckpoint(
    JSON.parse(readFileSync(sweep.checkpoint, 'utf8')),
    false,
  );
  try {
    const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
    const { files } = await exportHfGpt2(model, tokenizer);
    for (const [name, f] of Object.entries(files)) writeFileSync(join(dir, 'model', name), f);
    const task = builtinFrontierTask(tokenizer, sweep, split);
    writeFileSync(join(dir, 'prompts.json'), json(trlJobPrompts(task, split)));
  } finally {
    model.dispose();
  }
  const spec = trlJobSpec(sweep, split, configPath);
  writeFileSync(join(dir, 'sweep.json'), json(spec));
  writeFileSync(join(dir, 'frontier-config.json'), json(sweep));
  const readme = readFileSync(join(root, 'trljob', 'README.md'), 'utf8');
  writeFileSync(join(dir, 'README.md'), `${readme}\n${trlJobRunsMarkdown(spec)}`);
  writeFileSync(join(dir, 'lexicon.json'), JSON.stringify(rewardLexicon()));
  const { heldOut, train } = builtinTask();
  const cases = rewardCheckCases([...heldOut, ...train]);
  writeFileSync(join(dir, 'reward_check.json'), JSON.stringify({ cases }));
  writeFileSync(join(dir, 'requirements.txt'), jobRequirements(root));
  for (const name of TEMPLATE_FILES) {
    writeFileSync(join(dir, name), readFileSync(join(root, 'trljob', name)));
  }
}
