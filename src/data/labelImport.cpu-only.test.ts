import { describe, expect, it } from 'vitest';
import { BpeTokenizer, EOT_TEXT } from '../tokenizer/bpe';
import { toTrlJsonl, trlPairsFromTokens } from './export';
import {
  canonicalText,
  mergePooled,
  newImportedLabels,
  pairKey,
  parsePooledJsonl,
} from './labelImport';

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

  it('keys a pair the same whatever route its text took', () => {
    const here = pairKey('The film', ' was great.', ' was bad.');
    // The export's text: end-of-text before the prompt and after a completion that stopped.
    expect(pairKey(`${EOT_TEXT}The film`, ` was bad.${EOT_TEXT}`, ' was great.')).toBe(here);
    // Another tool's split (the space on the prompt's side), spacing and order.
    expect(pairKey('The film ', 'was  bad.', 'was great.\n')).toBe(here);
    // Composed and decomposed é.
    expect(canonicalText('caf\u00e9')).toBe(canonicalText('cafe\u0301'));
    expect(pairKey('The film', ' was great!', ' was bad.')).not.toBe(here);
    expect(pairKey('The films', ' was great.', ' was bad.')).not.toBe(here);
  });

  it("finds every label again in its own TRL export (the ids' text), and restores its eot ids", () => {
    const tokenizer = BpeTokenizer.train(
      ['The film was great. The plot was bad, I loved it.'],
      280,
    );
    const { eot } = tokenizer;
    const enc = (t: string) => tokenizer.encode(t);
    // Labels as the session keeps them: text without end-of-text, ids with it where it stopped.
    const made = [
      ['The film', ' was great.', ' was bad', true],
      ['The plot', ' loved it', ' was bad.', false],
      ['I', ' loved the film.', ' was great', true],
    ] as const;
    const labels = made.map(([prompt, a, b, stopped]) => ({
      prompt,
      a,
      b,
      promptIds: [eot, ...enc(prompt)],
      aIds: [...enc(a), ...(stopped ? [eot] : [])],
      bIds: enc(b),
    }));
    const jsonl = toTrlJsonl(
      trlPairsFromTokens(
        labels.map((l) => ({ prompt: l.promptIds, chosen: l.aIds, rejected: l.bIds })),
        (ids) => tokenizer.decode(ids),
      ),
    );
    expect(jsonl.split(EOT_TEXT)).toHaveLength(1 + 3 + 2); // 3 prompts, 2 stopped completions
    const { rows, skipped } = parsePooledJsonl(jsonl, 'mine.jsonl');
    expect(skipped).toBe(0);
    const existing = new Set(labels.map((l) => pairKey(l.prompt, l.a, l.b)));
    expect(mergePooled(rows, existing)).toMatchObject({ labels: [], known: 3, test: 0 });

    // Imported into a set without them: the text as the card shows it, the ids as sampled.
    const fresh = newImportedLabels(mergePooled(rows).labels, tokenizer);
    expect(fresh.map((l) => [l.prompt, l.a, l.b])).toEqual(made.map(([p, a, b]) => [p, a, b]));
    expect(fresh.map((l) => [l.promptIds, l.aIds, l.bIds])).toEqual(
      labels.map((l) => [l.promptIds, l.aIds, l.bIds]),
    );
  });

  it('keeps rows about a pair of the test round out, known or not', () => {
    const test = new Set([pairKey('t', 'x', 'y'), pairKey('s', 'x', 'y')]);
    const m = mergePooled(
      [
        { prompt: `${EOT_TEXT}t`, chosen: `y${EOT_TEXT}`, rejected: 'x', labeller: 'ana' },
        { prompt: 't', chosen: 'x', rejected: 'y', labeller: 'bo' },
        { prompt: 's', chosen: 'x', rejected: 'y', labeller: 'bo' },
        { prompt: 't ', chosen: 'u', rejected: 'v', labeller: 'bo' },
        { prompt: 'p', chosen: 'x', rejected: 'y', labeller: 'bo' },
      ],
      new Set([pairKey('t', 'x', 'y')]),
      test,
    );
    // Another pair of a test prompt is no test pair: short prompts recur among labelling ones.
    expect(m).toMatchObject({ known: 2, test: 3, duplicates: 0, conflicts: 0 });
    expect(m.labels.map((l) => l.prompt)).toEqual(['t ', 'p']);
  });

  it('counts the votes of rows with and without the export markers for the same completion', () => {
    const m = mergePooled([
      { prompt: `${EOT_TEXT}p`, chosen: ` x${EOT_TEXT}`, rejected: ' y', labeller: 'ana' },
      { prompt: 'p', chosen: ' x', rejected: ' y', labeller: 'bo' },
      { prompt: 'p ', chosen: 'y', rejected: 'x', labeller: 'cy' },
    ]);
    expect(m).toMatchObject({ duplicates: 2, conflicts: 1, known: 0, test: 0 });
    expect(m.labels).toHaveLength(1);
    expect(m.labels[0]).toMatchObject({ choice: 'a', votes: { a: 2, b: 1 } });
  });
});
