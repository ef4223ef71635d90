import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from './points';
import {
  AGREEMENT_SVG,
  agreementFolders,
  bothStacksPoints,
  bothStacksSvg,
  stackAgreement,
  updateAgreementBlocks,
} from './trlAgreement';
import { DOCS_WITH_AGREEMENT, readBothStacks } from './trlAgreementRead';

const FOLDER = 'frontier/results/trl-agreement';

const run = (runId: string, seed: number, reward: number, kl: number) => ({
  runId,
  label: runId,
  final: { step: 10, reward, kl, rewardStderr: 0 },
  seed,
});

describe('stackAgreement (hand-computed)', () => {
  const app = { runs: [run('a', 1, 0.7, 1), run('a', 2, 0.8, 1), run('a', 3, 0.9, 1)] };
  const trl = {
    runs: [run('a', 1, 0.6, 2), run('a', 2, 0.7, 2), run('a', 3, 0.8, 2), run('b', 1, 0, 0)],
  };
  const [reward, kl, ...rest] = stackAgreement(app, trl);

  it('reward: means, s.e. s/√n, gap TRL − app, gap over the combined s.e.', () => {
    // s.e. = √(0.01 / 3) = 0.0577350 each; combined √2 × that = 0.0816497.
    expect(reward?.metric).toBe('reward');
    expect(reward?.app.mean).toBeCloseTo(0.8, 12);
    expect(reward?.trl.mean).toBeCloseTo(0.7, 12);
    expect(reward?.app.stderr).toBeCloseTo(0.057735027, 8);
    expect(reward?.gap).toBeCloseTo(-0.1, 12);
    expect(reward?.combinedStderr).toBeCloseTo(0.081649658, 8);
    expect(reward?.z).toBeCloseTo(-1.224744871, 8);
    expect(reward?.pass).toBe(true);
    expect(reward?.app.seeds).toBe(3);
  });

  it('a gap with no spread fails; runs only one stack ran are left out', () => {
    expect(kl?.metric).toBe('kl');
    expect(kl?.gap).toBe(1);
    expect(kl?.combinedStderr).toBe(0);
    expect(kl?.pass).toBe(false);
    expect(rest).toEqual([]);
  });
});

describe('the committed agreement run (frontier/trl-agreement.json)', () => {
  const both = readBothStacks(FOLDER);
  const rows = stackAgreement(both.app, both.trl);

  it('both stacks ran every run on 9 seeds', () => {
    expect(rows.map((r) => `${r.runId} ${r.metric}`)).toEqual(
      ['sft', 'dpo-beta0.1', 'dpo-beta0.5', 'dpo-beta1'].flatMap((id) => [
        `${id} reward`,
        `${id} kl`,
      ]),
    );
    for (const r of rows) expect([r.app.seeds, r.trl.seeds]).toEqual([9, 9]);
  });

  it('every run agrees within 2 combined s.e. across the 9 seeds; rewards within 0.01', () => {
    for (const r of rows) expect(r.pass, `${r.runId} ${r.metric}: gap/s.e. ${r.z}`).toBe(true);
    for (const r of rows.filter((x) => x.metric === 'reward')) {
      expect(Math.abs(r.gap)).toBeLessThan(0.01);
    }
  });

  it('the planned 3 seeds put DPO β=1’s final KL outside (docs/huggingface-trl.md says so)', () => {
    const first = stackAgreement(both.app, both.trl, [1, 2, 3]);
    expect(first.filter((r) => !r.pass).map((r) => `${r.runId} ${r.metric}`)).toEqual([
      'dpo-beta1 kl',
    ]);
    expect(first[0]?.app.seeds).toBe(3);
  });

  it('DPO trains in both: final reward well above the SFT model’s', () => {
    const sft = rows.find((r) => r.runId === 'sft' && r.metric === 'reward');
    for (const r of rows.filter((x) => x.runId.startsWith('dpo') && x.metric === 'reward')) {
      expect(r.app.mean).toBeGreaterThan((sft?.app.mean ?? 1) + 0.15);
      expect(r.trl.mean).toBeGreaterThan((sft?.trl.mean ?? 1) + 0.15);
    }
  });

  it('the TRL job counts the compute the app counts, run by run and seed by seed', () => {
    const key = (r: Pick<RunSummary, 'runId' | 'seed'>) => `${r.runId}:${r.seed}`;
    const compute = (runs: readonly unknown[]) =>
      Object.fromEntries((runs as RunSummary[]).map((r) => [key(r), r.compute]));
    const app = compute(both.app.runs);
    expect(Object.keys(app)).toHaveLength(36);
    expect(compute(both.trl.runs)).toEqual(app);
  });

  it('the plot holds each stack’s curves, labelled by stack', () => {
    const labels = new Set(bothStacksPoints(both).map((p) => p.label));
    expect(labels).toContain('DPO β=1 (app)');
    expect(labels).toContain('DPO β=1 (TRL)');
    expect(labels.size).toBe(8);
  });
});

describe('generated agreement blocks and plot', () => {
  it.each(DOCS_WITH_AGREEMENT)('%s prints what the committed results give', (doc) => {
    const text = readFileSync(doc, 'utf8');
    expect(agreementFolders(text)).toEqual([FOLDER]);
    // Run `npm run frontier -- --docs` after a run to rewrite them.
    expect(updateAgreementBlocks(text, readBothStacks)).toBe(text);
  });

  it(`${FOLDER}/${AGREEMENT_SVG} is the plot of the committed results`, () => {
    const svg = readFileSync(join(FOLDER, AGREEMENT_SVG), 'utf8');
    expect(svg).toBe(bothStacksSvg(readBothStacks(FOLDER), 'trl-agreement'));
  });
});
