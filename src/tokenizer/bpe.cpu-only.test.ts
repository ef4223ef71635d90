import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../model/rng';
import { utf8 } from '../test/results';
import { BpeTokenizer, EOT_TEXT, pretokenize, type TokenizerJSON } from './bpe';

const LINES = [
  'The film was great, and the acting was great too.',
  'I loved the soundtrack; the plot was weak but the cast was great.',
  "It wasn't worth it. The ending dragged, the dialogue didn't land.",
  'Café naïve résumé — 東京 👩‍👩‍👧 tabs\tand\r\nCRLF lines.',
];
const CORPUS = LINES.join('\n').repeat(20);
const VOCAB = 350;

const SAMPLES = [
  '',
  ' ',
  'hello world',
  'café naïve',
  'cafe\u0301 (combining accent)',
  '👩‍👩‍👧 family 🎬🍿 👍🏽 🇫🇷',
  '東京で映画を見た。中文，한국어',
  'a\r\nb',
  'a\r\nb\n\n  c\t\td   ',
  'tabs\tand  multiple   spaces    ',
  EOT_TEXT,
  `before${EOT_TEXT}after <|endoftext|>`,
  "don't won't it's we'll I'M",
  '\u0000 nul and \uFEFF bom \u200b zero-width',
  '1234567890 3.14159 -42',
  'x'.repeat(500),
  'the'.repeat(200),
];

/** Random code points from several scripts, whitespace and emoji; no lone surrogates. */
function randomText(seed: number, length: number): string {
  const rand = mulberry32(seed);
  const ranges: [number, number][] = [
    [0x20, 0x7e],
    [0x0, 0x1f],
    [0xa0, 0x24f],
    [0x300, 0x36f],
    [0x3040, 0x30ff],
    [0x4e00, 0x9fff],
    [0xe000, 0xfffd],
    [0x1f300, 0x1faff],
    [0x10000, 0x10ffff],
  ];
  let s = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = ranges[Math.floor(rand() * ranges.length)] ?? [0x20, 0x7e];
    s += String.fromCodePoint(lo + Math.floor(rand() * (hi - lo + 1)));
  }
  return s;
}

/** Textbook BPE, independent of the tokenizer: apply each merge in order over the bytes. */
function referenceEncodePiece(piece: string, merges: readonly (readonly [number, number])[]) {
  let ids = Array.from(utf8(piece));
  merges.forEach(([left, right], rank) => {
    const out: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === left && ids[i + 1] === right) {
        out.push(256 + rank);
        i++;
      } else out.push(ids[i] ?? -1);
    }
    ids = out;
  });
  return ids;
}

describe('pretokenize', () => {
  it('splits like GPT-2 and always concatenates back to the text', () => {
    expect(pretokenize("Hello world, it's 2024!  ok\n")).toEqual([
      'Hello',
      ' world',
      ',',
      ' it',
      "'s",
      ' 2024',
      '!',
      ' ',
      ' ok',
      '\n',
    ]);
    for (let seed = 0; seed < 20; seed++) {
      const s = randomText(seed, 300);
      expect(pretokenize(s).join('')).toBe(s);
    }
  });
});

describe('BpeTokenizer', () => {
  const tok = BpeTokenizer.train(CORPUS, VOCAB);

  it('round-trips any well-formed text exactly', () => {
    for (const s of SAMPLES) expect(tok.decode(tok.encode(s))).toBe(s);
    for (let seed = 0; seed < 100; seed++) {
      const s = randomText(seed, 200);
      expect(tok.decode(tok.encode(s))).toBe(s);
    }
  });

  it('learns the textbook example: aa, then ab, then (aa)(ab)', () => {
    // aaabdaaabac: (a,a) ×4 first; then (aa,a) and (a,b) tie at 2 → smaller ids (a,b).
    const t = BpeTokenizer.train('aaabdaaabac', 1000);
    expect(t.merges).toEqual([
      [97, 97],
      [97, 98],
      [256, 257],
    ]);
    expect(t.vocabSize).toBe(260);
    expect(t.eot).toBe(259);
    expect(t.encode('aaabdaaabac')).toEqual([258, 100, 258, 97, 99]);
  });

  it('breaks ties by the smallest (left, right) and never merges across pre-tokens', () => {
    // Pieces "ab", " ab" ×2, " cd" ×3: ( ,c) (a,b) (c,d) all count 3 → ( ,c) = (32, 99) first.
    const t = BpeTokenizer.train('ab ab ab cd cd cd', 1000);
    expect(pretokenize('ab ab ab cd')).toEqual(['ab', ' ab', ' ab', ' cd']);
    expect(t.merges.slice(0, 3)).toEqual([
      [32, 99],
      [97, 98],
      [256, 100],
    ]);
    expect(t.encode(' cd')).toEqual([258]);
    for (let id = 256; id < tok.eot; id++) {
      expect(tok.decode([id])).not.toMatch(/\S\s|\p{L}\p{N}|\p{N}\p{L}/u);
    }
  });

  it('is deterministic, and an array corpus matches the string it joins to', () => {
    expect(BpeTokenizer.train(CORPUS, VOCAB).toJSON()).toEqual(tok.toJSON());
    // Holds when each document ends in one whitespace character: a longer run like "\r\n"
    // splits differently when the next document's text follows it.
    const docs = Array.from({ length: 20 }, (_, i) => `${LINES[i % 3]}\n`);
    expect(BpeTokenizer.train(docs, 300).toJSON()).toEqual(
      BpeTokenizer.train(docs.join(''), 300).toJSON(),
    );
  });

  it('compresses text like its corpus', () => {
    const text = 'The film was great and the cast was great, but the plot was weak.';
    expect(tok.encode(text).length).toBeLessThan(utf8(text).length / 2);
    expect(tok.bytesPerToken).toBeGreaterThan(2);
    expect(tok.vocabSize).toBe(VOCAB);
    expect(tok.merges.length).toBe(VOCAB - 257);
  });

  it('applies merges by rank exactly as textbook BPE, short and long pieces alike', () => {
    const pieces = ['the', ' great', ' wasn', 'x'.repeat(100), ` ${'was'.repeat(60)}`];
    for (let seed = 0; seed < 20; seed++) pieces.push(...pretokenize(randomText(seed, 80)));
    for (const piece of pieces) {
      expect(tok.encode(piece)).toEqual(referenceEncodePiece(piece, tok.merges));
    }
  });

  it('reports progress once per merge', () => {
    const calls: [number, number][] = [];
    BpeTokenizer.train(CORPUS, 300, { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.length).toBe(300 - 257);
    expect(calls.at(-1)).toEqual([43, 43]);
  });

  it('keeps end-of-text as the last id, never produced by plain text', () => {
    expect(tok.eot).toBe(tok.vocabSize - 1);
    expect(tok.encode(EOT_TEXT)).not.toContain(tok.eot);
    expect(tok.decode([tok.eot])).toBe(EOT_TEXT);
    expect(tok.decode([...tok.encode('a review'), tok.eot])).toBe(`a review${EOT_TEXT}`);
    expect(tok.tokenText(tok.eot)).toBe(EOT_TEXT);
  });

  it('shows tokens as text, with partial UTF-8 as \\xHH', () => {
    expect(tok.tokenText(104)).toBe('h');
    expect(Array.from(tok.decodeToken(0xc3))).toEqual([0xc3]);
    expect(tok.tokenText(0xc3)).toBe('\\xC3');
    const ids = tok.encode(' café');
    expect(ids.map((id) => tok.tokenText(id)).join('')).toBe(' café');
    expect(() => tok.decodeToken(tok.vocabSize)).toThrow(/outside the vocabulary/);
    expect(() => tok.decode([-1])).toThrow(/outside the vocabulary/);
  });

  it('serialises to JSON and back with identical encodings', () => {
    const j = JSON.parse(JSON.stringify(tok.toJSON())) as TokenizerJSON;
    const back = BpeTokenizer.fromJSON(j);
    expect(back.toJSON()).toEqual(tok.toJSON());
    expect(back.vocabSize).toBe(tok.vocabSize);
    expect(back.eot).toBe(tok.eot);
    for (const s of [CORPUS, ...SAMPLES]) expect(back.encode(s)).toEqual(tok.encode(s));
  });

  it('rejects malformed JSON with a clear message', () => {
    const j = tok.toJSON();
    const bad = (x: unknown) => () => BpeTokenizer.fromJSON(x as TokenizerJSON);
    expect(bad(null)).toThrow(/must be an object/);
    expect(bad({ ...j, kind: 'wordpiece' })).toThrow(/kind must be 'byte-bpe'/);
    expect(bad({ ...j, version: 2 })).toThrow(/version must be 1/);
    expect(bad({ ...j, merges: 'ab' })).toThrow(/merges must be an array/);
    expect(bad({ ...j, merges: [[1, 999]], vocabSize: 258, eot: 257 })).toThrow(/unknown id/);
    expect(bad({ ...j, merges: [[97, 256]], vocabSize: 258, eot: 257 })).toThrow(/unknown id/);
    expect(bad({ ...j, merges: [[97, 1.5]], vocabSize: 258, eot: 257 })).toThrow(/integer ids/);
    expect(bad({ ...j, merges: [[97]], vocabSize: 258, eot: 257 })).toThrow(/pair/);
    expect(bad({ ...j, merges: [[97, 98]].concat([[97, 98]]) })).toThrow(/repeats/);
    expect(bad({ ...j, vocabSize: j.vocabSize + 1 })).toThrow(/vocabSize .* does not match/);
    expect(bad({ ...j, eot: 0 })).toThrow(/eot 0 must be the last id/);
  });

  it('validates training input and stops early when no pair repeats', () => {
    expect(() => BpeTokenizer.train('x', 256)).toThrow(/vocabSize/);
    expect(() => BpeTokenizer.train('x', 300.5)).toThrow(/vocabSize/);
    const tiny = BpeTokenizer.train('abc', 1000);
    expect(tiny.vocabSize).toBe(257);
    expect(tiny.eot).toBe(256);
    expect(tiny.merges).toEqual([]);
    expect(tiny.decode(tiny.encode('abc <|endoftext|>'))).toBe('abc <|endoftext|>');
    expect(BpeTokenizer.train('', 300).vocabSize).toBe(257);
    expect(BpeTokenizer.train([], 300).vocabSize).toBe(257);
  });
});
