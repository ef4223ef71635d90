/**
 * A sweep's TRL + Accelerate job folder as a file map (issue 26): the one builder behind
 * `npm run frontier -- CONFIG --export-trl DIR` (trlJobWrite.ts writes the map to disk) and the
 * frontier panel's "Export as TRL job" (worker/trlJobExport.ts zips it). No file system: the
 * templates come in as text (Node reads them from trljob/, the worker bundles them).
 *
 *   job.py, sampling.py, trainers.py, reward.py   trljob/ (the template)
 *   README.md                     trljob/README.md + this sweep's runs (trlJobRunsMarkdown)
 *   frontier-config.json          the sweep as parsed (the app's --replot reads it)
 *   requirements.txt              python/requirements.txt's pins of what the job imports
 *   sweep.json, prompts.json, lexicon.json, reward_check.json   (trlJob.ts)
 *   model/…                       π_ref as a Hugging Face GPT-2 folder
 */
import type { GPT } from '../../model/gpt';
import { exportHfGpt2 } from '../../model/hf/gpt2';
import { builtinTask } from '../../task/builtin';
import type { BpeTokenizer } from '../../tokenizer/bpe';
import type { SweepConfig } from './sweepConfig';
import { builtinFrontierTask } from './task';
import {
  rewardCheckCases,
  rewardLexicon,
  trlJobPrompts,
  trlJobRunsMarkdown,
  trlJobSpec,
} from './trlJob';

/** The template texts, as in the repository (trljob/ and python/requirements.txt). */
export interface TrlJobTemplates {
  'job.py': string;
  'sampling.py': string;
  'trainers.py': string;
  'reward.py': string;
  'README.md': string;
  /** python/requirements.txt whole: the job's own pins are filtered from it. */
  'requirements.txt': string;
}

/** Path in the folder (`model/config.json`) → content. */
export type TrlJobFiles = Record<string, string | Uint8Array>;

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

function jobRequirements(projectPins: string): string {
  const pins = projectPins
    .split('\n')
    .filter((line) => JOB_PACKAGES.includes(line.split('==')[0] ?? ''));
  const missing = JOB_PACKAGES.filter((p) => !pins.some((l) => l.startsWith(`${p}==`)));
  if (missing.length > 0) throw new Error(`python/requirements.txt pins no ${missing.join(', ')}`);
  return `# Pinned as in the app's python/requirements.txt (the versions its interop test runs).\n${pins.join('\n')}\n`;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/**
 * Every file of the job folder. `config`: what sweep.json names as the sweep's config (the
 * Node export: the path given; the browser: frontier-config.json); `model` is π_ref and is
 * only read.
 */
export async function trlJobFiles(
  sweep: SweepConfig,
  split: 'test' | 'validation',
  config: string,
  model: GPT,
  tokenizer: BpeTokenizer,
  templates: TrlJobTemplates,
): Promise<TrlJobFiles> {
  const files: TrlJobFiles = {};
  const { files: hf } = await exportHfGpt2(model, tokenizer);
  for (const [name, f] of Object.entries(hf)) files[`model/${name}`] = f;
  const task = builtinFrontierTask(tokenizer, sweep, split);
  files['prompts.json'] = json(trlJobPrompts(task, split));
  const spec = trlJobSpec(sweep, split, config);
  files['sweep.json'] = json(spec);
  files['frontier-config.json'] = json(sweep);
  files['README.md'] = `${templates['README.md']}\n${trlJobRunsMarkdown(spec)}`;
  files['lexicon.json'] = JSON.stringify(rewardLexicon());
  const { heldOut, train } = builtinTask();
  files['reward_check.json'] = JSON.stringify({ cases: rewardCheckCases([...heldOut, ...train]) });
  files['requirements.txt'] = jobRequirements(templates['requirements.txt']);
  for (const name of ['job.py', 'sampling.py', 'trainers.py', 'reward.py'] as const) {
    files[name] = templates[name];
  }
  return files;
}
