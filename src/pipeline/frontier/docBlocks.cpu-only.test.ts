import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import defaultSweep from '../../../frontier/default.json';
import {
  DOCS_WITH_BLOCKS,
  docBlocks,
  renderBlock,
  type SummaryJson,
  updateDocBlocks,
} from './docBlocks';
import { parseSweepConfig } from './sweepConfig';

const read = (folder: string) =>
  JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8')) as SummaryJson;

describe('generated result blocks in the docs', () => {
  it.each(DOCS_WITH_BLOCKS)('%s prints what the committed results give', (doc) => {
    const text = readFileSync(doc, 'utf8');
    expect(docBlocks(text).length).toBeGreaterThan(0);
    // Run `npm run frontier -- --docs` after a sweep to rewrite them.
    expect(updateDocBlocks(text, read)).toBe(text);
  });

  it('frontier/README.md states default.json as it is', () => {
    const text = readFileSync('frontier/README.md', 'utf8');
    const d = parseSweepConfig(defaultSweep);
    const n = (x: number) => x.toLocaleString('en-US');
    expect(text).toContain(
      `**${d.budget?.updates} policy updates and ${n(d.budget?.samples ?? 0)} reward-scored samples**`,
    );
    expect(text).toContain(`**${d.seeds.length} seeds**`);
    expect(text).toContain(
      `**${d.eval.prompts} test prompts × ${d.eval.samplesPerPrompt} samples**`,
    );
    expect(text).toContain(`at updates ${d.eval.at.join(', ')}`);
  });

  it('rewrites a stale block and leaves the rest of the text alone', () => {
    const s: SummaryJson = {
      seconds: 12,
      seeds: [1, 2],
      acrossSeeds: [],
      matchedKl: [],
    };
    const text = 'before\n<!-- frontier:meta x -->\nold 99 s\n<!-- /frontier -->\nafter';
    expect(updateDocBlocks(text, () => s)).toBe(
      'before\n<!-- frontier:meta x -->\n2 seeds, wall time 12 s.\n<!-- /frontier -->\nafter',
    );
    expect(() => renderBlock('nope', s)).toThrow(/unknown/);
  });
});
