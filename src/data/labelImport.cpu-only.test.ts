import { describe, expect, it } from 'vitest';
import { mergePooled, pairKey, parsePooledJsonl } from './labelImport';

const row = (prompt: string, chosen: string, rejected: string, labeller?: string) =>
  JSON.stringify({ prompt, chosen, rejected, ...(labeller ? { labeller } : {}) });

describe('pooled label files', () => {
  it('reads TRL JSONL rows, the labeller field or the file name, and drops the export marker', () => {
    const text = [
      row('<|endoftext|>The film', ' was great.', ' was bad.', 'ana'),
      row('The plot', ' moved.', ' dragged.'),
      '{"prompt": "x"}',
      'not json',
      '',
    ].join('\n');
    const { rows, skipped } = parsePooledJsonl(text, 'bo.jsonl');
    expect(skipped).toBe(2);
    expect(rows).toEqual([
      { prompt: 'The film', chosen: ' was great.', rejected: ' was bad.', labeller: 'ana' },
      { prompt: 'The plot', chosen: ' moved.', rejected: ' dragged.', labeller: 'bo.jsonl' },
    ]);
  });

  it('merges duplicates, lets the majority decide a conflict and calls an even split a tie', () => {
    const rows = [
      { prompt: 'p', chosen: 'x', rejected: 'y', labeller: 'ana' },
      { prompt: 'p', chosen: 'x', rejected: 'y', labeller: 'bo' },
      { prompt: 'p', chosen: 'y', rejected: 'x', labeller: 'cy' },
      { prompt: 'q', chosen: 'u', rejected: 'v', labeller: 'ana' },
      { prompt: 'q', chosen: 'v', rejected: 'u', labeller: 'bo' },
      { prompt: 'r', chosen: 'm', rejected: 'n', labeller: 'ana' },
      { prompt: 'r', chosen: 'm', rejected: 'n', labeller: 'ana' },
    ];
    const m = mergePooled(rows);
    expect(m.labels).toEqual([
      {
        prompt: 'p',
        a: 'x',
        b: 'y',
        choice: 'a',
        votes: { a: 2, b: 1 },
        labellers: ['ana', 'bo', 'cy'],
      },
      {
        prompt: 'q',
        a: 'u',
        b: 'v',
        choice: 'tie',
        votes: { a: 1, b: 1 },
        labellers: ['ana', 'bo'],
      },
      { prompt: 'r', a: 'm', b: 'n', choice: 'a', votes: { a: 2, b: 0 }, labellers: ['ana'] },
    ]);
    expect(m.duplicates).toBe(4);
    expect(m.conflicts).toBe(2);
  });

  it('leaves out pairs already labelled, in either order', () => {
    const m = mergePooled(
      [
        { prompt: 'p', chosen: 'x', rejected: 'y', labeller: 'ana' },
        { prompt: 'p', chosen: 'z', rejected: 'y', labeller: 'ana' },
      ],
      new Set([pairKey('p', 'y', 'x')]),
    );
    expect(m.known).toBe(1);
    expect(m.labels.map((l) => l.a)).toEqual(['z']);
  });
});
