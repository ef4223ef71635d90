import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../model/checkpoint';
import { buildSweep, QUICK_PRESET } from '../pipeline/frontier/quickSweep';
import { parseSweepConfig } from '../pipeline/frontier/sweepConfig';
import { readTrlJobTemplates, writeTrlJob } from '../pipeline/frontier/trlJobWrite';
import { BpeTokenizer } from '../tokenizer/bpe';
import type { SftModel } from './sftModel';
import { browserSweep, TRL_JOB_TEMPLATES, trlJobZip } from './trlJobExport';

const work = mkdtempSync(join(tmpdir(), 'trl-job-zip-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function nano(url: string): SftModel {
  const { model, checkpoint } = loadCheckpoint(
    JSON.parse(readFileSync('public/checkpoints/sft-nano.json', 'utf8')),
    false,
  );
  const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
  return { model, tokenizer, source: { kind: 'url', url }, label: url, meta: checkpoint.meta };
}

/** The frontier panel's quick preset, DPO and Unlikelihood only. */
const input = buildSweep({
  on: { dpo: true, unlikelihood: true },
  betas: [0.1, 1],
  steps: QUICK_PRESET.updates,
  prompts: QUICK_PRESET.prompts,
  evalPrompts: QUICK_PRESET.evalPrompts,
  evalEvery: QUICK_PRESET.evalEvery,
  seeds: 2,
});

describe('the browser’s TRL job export', () => {
  it('bundles the repository’s templates unchanged (Vite ?raw)', () => {
    expect(TRL_JOB_TEMPLATES).toEqual(readTrlJobTemplates());
  });

  it('zips the folder the Node export writes for the same sweep and π_ref', async () => {
    const sft = nano('/dpo-playground/checkpoints/sft-nano.json');
    const f = await trlJobZip(input, sft);
    sft.model.dispose();
    expect(f.mime).toBe('application/zip');
    const folder = `${input.name}-trl-job`;
    expect(f.name).toBe(`${folder}.zip`);
    const entries = unzipSync(new Uint8Array(f.bytes));
    // The same sweep, as the browser writes it, through the Node writer.
    const sweep = browserSweep(input, sft);
    expect(sweep.checkpoint).toBe('public/checkpoints/sft-nano.json');
    await writeTrlJob(join(work, folder), sweep, 'test', 'frontier-config.json');
    const names = Object.keys(entries).sort();
    expect(names).toContain(`${folder}/job.py`);
    expect(names).toContain(`${folder}/model/model.safetensors`);
    for (const name of names) {
      const disk = readFileSync(join(work, name));
      expect(Buffer.compare(Buffer.from(entries[name] as Uint8Array), disk), name).toBe(0);
    }
    expect(names).toHaveLength(18);
    const spec = JSON.parse(new TextDecoder().decode(entries[`${folder}/sweep.json`]));
    expect(spec.config).toBe('frontier-config.json');
    expect(spec.evaluation).toBe('test prompts');
    expect(spec.runs.map((r: { id: string }) => r.id)).toEqual([
      'sft',
      'dpo-beta0.1',
      'dpo-beta1',
      expect.stringMatching(/^unlikelihood/),
    ]);
  });

  it('names a shipped checkpoint for the Node runner, and model/ for any other π_ref', () => {
    const at = (url: string) => browserSweep(input, { source: { kind: 'url', url } }).checkpoint;
    expect(at('https://x.org/app/checkpoints/sft-micro.json')).toBe(
      'public/checkpoints/sft-micro.json',
    );
    expect(browserSweep(input, { source: { kind: 'stored', runId: 'r1' } }).checkpoint).toBe(
      'model',
    );
    expect(browserSweep(input, { source: null }).checkpoint).toBe('model');
    // Everything else is the sweep as the panel built it.
    const { checkpoint: _a, ...rest } = browserSweep(input, { source: null });
    const { checkpoint: _b, ...parsed } = parseSweepConfig(input);
    expect(rest).toEqual(parsed);
  });
});
