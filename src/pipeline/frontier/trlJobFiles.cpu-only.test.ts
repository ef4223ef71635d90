import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../model/checkpoint';
import { BpeTokenizer } from '../../tokenizer/bpe';
import { parseSweepConfig } from './sweepConfig';
import { trlJobFiles } from './trlJobFiles';
import { readTrlJobTemplates, writeTrlJob } from './trlJobWrite';

const CHECKPOINT = 'public/checkpoints/sft-nano.json';
const sweep = parseSweepConfig({
  name: 'files',
  checkpoint: CHECKPOINT,
  seeds: [1, 2],
  data: { prompts: 8 },
  eval: { prompts: 16 },
  runs: [{ algorithm: 'sft' }, { algorithm: 'dpo', beta: 0.1 }, { algorithm: 'unlikelihood' }],
});

const FOLDER = [
  'README.md',
  'frontier-config.json',
  'job.py',
  'lexicon.json',
  'model/config.json',
  'model/generation_config.json',
  'model/merges.txt',
  'model/model.safetensors',
  'model/special_tokens_map.json',
  'model/tokenizer_config.json',
  'model/vocab.json',
  'prompts.json',
  'requirements.txt',
  'reward.py',
  'reward_check.json',
  'sampling.py',
  'sweep.json',
  'trainers.py',
];

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

const work = mkdtempSync(join(tmpdir(), 'trl-job-files-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('trlJobFiles', () => {
  it('holds every file the Node export writes, byte for byte', async () => {
    await writeTrlJob(join(work, 'job'), sweep, 'test', 'cfg.json');
    const { model, checkpoint } = loadCheckpoint(
      JSON.parse(readFileSync(CHECKPOINT, 'utf8')),
      false,
    );
    const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
    const files = await trlJobFiles(
      sweep,
      'test',
      'cfg.json',
      model,
      tokenizer,
      readTrlJobTemplates(),
    );
    model.dispose();
    const written = filesUnder(join(work, 'job')).sort();
    expect(Object.keys(files).sort()).toEqual(written);
    // The folder trljob/README.md's table describes (the export before the builder wrote it).
    expect(written).toEqual(FOLDER);
    for (const name of written) {
      const f = files[name] as string | Uint8Array;
      const bytes = typeof f === 'string' ? new TextEncoder().encode(f) : f;
      expect(Buffer.compare(Buffer.from(bytes), readFileSync(join(work, 'job', name))), name).toBe(
        0,
      );
    }
    // The README: the template, then this sweep's runs, each with what TRL runs it with.
    const readme = files['README.md'] as string;
    expect(readme.startsWith(readFileSync('trljob/README.md', 'utf8'))).toBe(true);
    expect(readme).toContain('## This sweep: files');
    expect(readme).toContain('| run | label | on TRL |');
    expect(readme).toContain('| `dpo-beta0.1` | DPO β=0.1 | DPOTrainer, loss_type ["sigmoid"] |');
    expect(readme).toMatch(/\| `unlikelihood[^`]*` \| [^|]+ \| not run: Unlikelihood/);
    expect(JSON.parse(files['sweep.json'] as string).config).toBe('cfg.json');
  });

  it('refuses project pins that lack a package the job imports', async () => {
    const templates = { ...readTrlJobTemplates(), 'requirements.txt': 'torch==2.13.0\n' };
    const { model, checkpoint } = loadCheckpoint(
      JSON.parse(readFileSync(CHECKPOINT, 'utf8')),
      false,
    );
    const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
    await expect(trlJobFiles(sweep, 'test', 'c', model, tokenizer, templates)).rejects.toThrow(
      /pins no transformers, trl/,
    );
    model.dispose();
  });
});
