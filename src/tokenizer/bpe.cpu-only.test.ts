import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../model/rng';
import { BpeTokenizer, EOT_TEXT, pretokenize } from './bpe';

const CORPUS = [
  'The film was great, and the acting was great too.',
  'I loved the soundtrack; the plot was weak but the cast was great.',
  "It wasn't worth it. The ending dragged, the dialogue didn't land.",
  'Café naïve résumé — 東京 👩‍👩‍👧 tabs\tand\r\nCRLF lines.',
]
  .join('\n')
  .repeat(20);

const SAMPLES = [
  '',
  'hello world',
  'café naïve',
  '👩‍👩‍👧 family 🎬🍿',
  '東京で映画を見た',
  'a\r\nb\n\n  c\t\td   ',
  EOT_TEXT,
  "don't won't it's we'll",
  '\u0000 nul and \uFEFF bom',
];

function randomText(seed: number, n: number): string {
  const rand = mulberry32(seed);
  const ranges = [
    [0x20, 0x7e],
    [0xa0, 0x24f],
    [0x3040, 0x30ff],
    [0x1f300, 0x1f64f],
    [0x9, 0xd],
  ] as const;
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = ranges[Math.floor(rand() * ranges.length)] ?? ranges[0];
    s += String.fromCodePoint(r[0] + Math.floor(rand() * (r[1] - r[0] + 1)));
  }
  return s;
}

describe('BpeTokenizer', () => {
  const tok = BpeTokenizer.train(CORPUS, 300);

  it('round-trips any text exactly', () => {
    for (const s of SAMPLES) expect(tok.decode(tok.encode(s))).toBe(s);
    for (let seed = 0; seed < 50; seed++) {
      const s = randomText(seed, 200);
      expect(tok.decode(tok.encode(s))).toBe(s);
    }
  });

  it('is deterministic and compresses text like its corpus', () => {
    const again = BpeTokenizer.train(CORPUS, 300);
    expect(again.toJSON()).toEqual(tok.toJSON());
    const text = 'The film was great and the cast was great.';
    expect(tok.encode(text).length).toBeLessThan(new TextEncoder().encode(text).length / 2);
    expect(tok.vocabSize).toBe(300);
  });

  it('learns the most frequent pair first, ties by smallest ids', () => {
    // Words " ab" ×3 and " cd" ×3: pairs ( ,a) (a,b) ( ,c) (c,d) all count 3 → ( ,a) first.
    const t = BpeTokenizer.train('ab ab ab cd cd cd', 259);
    expect(pretokenize('ab ab')).toEqual(['ab', ' ab']);
    // "ab" ×3 (first word has no space) → (a,b) = 3; ( ,a) = 2; ( ,c) = 3; (c,d) = 3.
    expect(t.merges[0]).toEqual([32, 99]);
    expect(t.merges[1]).toEqual([97, 98]);
    expect(t.encode(' cd')).toEqual([256, 100]);
  });

  it('keeps end-of-text as the last id, never produced by plain text', () => {
    expect(tok.eot).toBe(tok.vocabSize - 1);
    expect(tok.encode(EOT_TEXT)).not.toContain(tok.eot);
    expect(tok.decode([tok.eot])).toBe(EOT_TEXT);
    expect(tok.tokenText(104)).toBe('h');
  });

  it('serialises to JSON and back, and rejects malformed JSON', () => {
    const j = JSON.parse(JSON.stringify(tok.toJSON()));
    const back = BpeTokenizer.fromJSON(j);
    expect(back.encode(CORPUS.slice(0, 300))).toEqual(tok.encode(CORPUS.slice(0, 300)));
    expect(() => BpeTokenizer.fromJSON({ ...j, kind: 'wordpiece' })).toThrow(/byte-bpe/);
    expect(() => BpeTokenizer.fromJSON({ ...j, merges: [[1, 999]] })).toThrow(/unknown id/);
    expect(() => BpeTokenizer.fromJSON({ ...j, vocabSize: 5 })).toThrow(/vocabSize/);
    expect(() => BpeTokenizer.fromJSON(null)).toThrow();
    expect(() => BpeTokenizer.train('x', 10)).toThrow(/vocabSize/);
    expect(() => tok.decodeToken(tok.vocabSize)).toThrow(/outside/);
  });

  it('stops early when no pair repeats', () => {
    const t = BpeTokenizer.train('abc', 1000);
    expect(t.vocabSize).toBe(257);
  });
});
