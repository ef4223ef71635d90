/**
 * `npm run frontier -- CONFIG --export-trl DIR` (Node): writes the sweep as a self-contained
 * TRL + Accelerate job folder, the file map of trlJobFiles.ts (which says what each file holds)
 * with the templates read from the repository and π_ref from the sweep's checkpoint.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadCheckpoint } from '../../model/checkpoint';
import { BpeTokenizer } from '../../tokenizer/bpe';
import type { SweepConfig } from './sweepConfig';
import { type TrlJobTemplates, trlJobFiles } from './trlJobFiles';

/** The templates as the repository `root` holds them (trljob/, python/requirements.txt). */
export function readTrlJobTemplates(root = process.cwd()): TrlJobTemplates {
  const read = (...path: string[]) => readFileSync(join(root, ...path), 'utf8');
  return {
    'job.py': read('trljob', 'job.py'),
    'sampling.py': read('trljob', 'sampling.py'),
    'trainers.py': read('trljob', 'trainers.py'),
    'reward.py': read('trljob', 'reward.py'),
    'README.md': read('trljob', 'README.md'),
    'requirements.txt': read('python', 'requirements.txt'),
  };
}

/** Writes the job folder; `root` is the repository (trljob/, python/requirements.txt). */
export async function writeTrlJob(
  dir: string,
  sweep: SweepConfig,
  split: 'test' | 'validation',
  configPath: string,
  root = process.cwd(),
): Promise<void> {
  const templates = readTrlJobTemplates(root);
  const { model, checkpoint } = loadCheckpoint(
    JSON.parse(readFileSync(sweep.checkpoint, 'utf8')),
    false,
  );
  let files: Awaited<ReturnType<typeof trlJobFiles>>;
  try {
    const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
    files = await trlJobFiles(sweep, split, configPath, model, tokenizer, templates);
  } finally {
    model.dispose();
  }
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}
