import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitPairsToBlock, keptLengths, truncationReport } from './truncation';

/** One token per character, so lengths are easy to count by hand. */
const encodeChars = (s: string) => Array.from(s, (c) => c.codePointAt(0) ?? 0);
const decode = (ids: number[]) => String.fromCodePoint(...ids);

// blockSize 10, so the prompt cap while both parts are long is ⌊10/2⌋ = 5.
const pairs = [
  // 3 + max(2, 3) = 6 ≤ 10: fits.
  { prompt: 'abc', chosen: 'de', rejected: 'fgh' },
  // 12 + 2 > 10: prompt keeps its last max(10 − 2, 5) = 8.
  { prompt: 'abcdefghijkl', chosen: 'xy', rejected: 'z' },
  // 2 + 15 > 10: prompt (2 ≤ 5) kept whole, completions cut to 10 − 2 = 8.
  { prompt: 'ab', chosen: 'xxxxxxxxxxxxxxx', rejected: 'yyy' },
  // 20 + 12 > 10, both long: prompt keeps its last 5, completions their first 5.
  { prompt: 'abcdefghijklmnopqrst', chosen: 'xxxxxxxxxxxx', rejected: 'yyyyyyyyy' },
  // No completion tokens: dropped.
  { prompt: 'abc', chosen: '', rejected: 'y' },
];

describe('truncationReport', () => {
  it('counts fit, prompt-cut, completion-cut and dropped pairs', () => {
    expect(truncationReport(pairs, encodeChars, 10)).toEqual({
      total: 5,
      fit: 1,
      promptTruncated: 2,
      completionTruncated: 2,
      dropped: 1,
    });
  });

  it('drops everything when the block has no room for prompt and reply', () => {
    expect(truncationReport(pairs.slice(0, 2), encodeChars, 1)).toEqual({
      total: 2,
      fit: 0,
      promptTruncated: 0,
      completionTruncated: 0,
      dropped: 2,
    });
  });
});

describe('fitPairsToBlock', () => {
  it('keeps the end of the prompt and the start of each completion', () => {
    const { pairs: fitted, report } = fitPairsToBlock(pairs, encodeChars, 10);
    expect(report).toEqual(truncationReport(pairs, encodeChars, 10));
    expect(fitted.map((p) => [decode(p.prompt), decode(p.chosen), decode(p.rejected)])).toEqual([
      ['abc', 'de', 'fgh'],
      ['efghijkl', 'xy', 'z'],
      ['ab', 'xxxxxxxx', 'yyy'],
      ['pqrst', 'xxxxx', 'yyyyy'],
    ]);
  });

  it('splits an odd block with the smaller half to the prompt', () => {
    expect(keptLengths(10, 10, 4, 7)).toEqual({ prompt: 3, chosen: 4, rejected: 4 });
  });

  it('always fits the block and never cuts a prompt below half of it (property)', () => {
    const len = fc.integer({ min: 0, max: 300 });
    fc.assert(
      fc.property(len, len, len, fc.integer({ min: 2, max: 256 }), (p, c, r, block) => {
        const kept = keptLengths(p, c, r, block);
        if (c === 0 || r === 0) return kept === undefined;
        if (kept === undefined) return false;
        const fits = p + Math.max(c, r) <= block;
        return (
          kept.prompt + Math.max(kept.chosen, kept.rejected) <= block &&
          kept.prompt <= p &&
          kept.prompt >= Math.min(p, Math.floor(block / 2)) &&
          kept.chosen >= 1 &&
          kept.rejected >= 1 &&
          (!fits || (kept.prompt === p && kept.chosen === c && kept.rejected === r))
        );
      }),
      { numRuns: 2_000, seed: 7 },
    );
  });
});
