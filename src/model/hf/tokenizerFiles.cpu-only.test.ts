import { describe, expect, it } from 'vitest';
import { BpeTokenizer, EOT_TEXT } from '../../tokenizer/bpe';
import { BYTE_TO_CHAR, MERGES_HEADER, tokenizerFromHf, tokenizerToHf } from './tokenizerFiles';

/** GPT-2's vocab.json order for bytes: the printable ones first, then the rest, by byte. */
function gpt2ByteOrder(): string[] {
  const printable = BYTE_TO_CHAR.filter((c) => (c.codePointAt(0) ?? 0) < 256);
  const rest = BYTE_TO_CHAR.filter((c) => (c.codePointAt(0) ?? 0) >= 256);
  return [...printable, ...rest];
}

/** The first seven merges of GPT-2's real merges.txt. */
const GPT2_FIRST_MERGES = ['Ġ t', 'Ġ a', 'h e', 'i n', 'r e', 'o n', 'Ġt he'];

function tinyGpt2Files(): { vocab: Record<string, number>; merges: string } {
  const vocab: Record<string, number> = {};
  gpt2ByteOrder().forEach((c, id) => {
    vocab[c] = id;
  });
  GPT2_FIRST_MERGES.forEach((m, i) => {
    vocab[m.replace(' ', '')] = 256 + i;
  });
  vocab[EOT_TEXT] = 263;
  return { vocab, merges: `${MERGES_HEADER}\n${GPT2_FIRST_MERGES.join('\n')}\n` };
}

describe('bytes_to_unicode', () => {
  it("matches GPT-2's table at known points", () => {
    expect(BYTE_TO_CHAR[0x20]).toBe('Ġ'); // U+0120
    expect(BYTE_TO_CHAR[0x0a]).toBe('Ċ'); // U+010A
    expect(BYTE_TO_CHAR[0x00]).toBe('Ā'); // U+0100
    expect(BYTE_TO_CHAR[0x7f]).toBe('ġ'); // U+0121
    expect(BYTE_TO_CHAR[0xad]).toBe('Ń'); // U+0143, the last remapped byte
    expect(BYTE_TO_CHAR[0x41]).toBe('A');
    expect(BYTE_TO_CHAR[0xe9]).toBe('é');
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
    // In GPT-2's vocab.json "Ġ" is id 220 and "Ā" id 188.
    expect(gpt2ByteOrder().indexOf('Ġ')).toBe(220);
    expect(gpt2ByteOrder().indexOf('Ā')).toBe(188);
  });
});

describe('tokenizerToHf', () => {
  it('writes vocab.json and merges.txt in our id order', () => {
    // "ab" ×3 then " ab" ×2: merge 0 = (a, b), merge 1 = (space, ab).
    const tok = BpeTokenizer.train('ab ab ab', 259);
    expect(tok.merges).toEqual([
      [97, 98],
      [32, 256],
    ]);
    const { vocab, merges } = tokenizerToHf(tok);
    expect(merges).toBe('#version: 0.2\na b\nĠ ab\n');
    expect(Object.keys(vocab).length).toBe(259);
    expect(vocab.ab).toBe(256);
    expect(vocab.Ġab).toBe(257);
    expect(vocab[EOT_TEXT]).toBe(258);
    expect(vocab.Ġ).toBe(32);
    expect(vocab['!']).toBe(33);
  });

  it('refuses a tokenizer with two ids for the same bytes', () => {
    // "bc", "ab", then "abc" made twice: a + bc and ab + c.
    const tok = BpeTokenizer.fromJSON({
      kind: 'byte-bpe',
      version: 1,
      vocabSize: 261,
      merges: [
        [98, 99],
        [97, 98],
        [97, 256],
        [257, 99],
      ],
      eot: 260,
    });
    expect(() => tokenizerToHf(tok)).toThrow(
      'tokenizer ids 258 and 259 are the same bytes (abc); vocab.json cannot hold both',
    );
  });
});

describe('tokenizerFromHf', () => {
  const text = "Hello world, it's 2024: naïve café — ok?\n\tEnd  ";

  it('round-trips our files: same merges, same ids, identity map', () => {
    const tok = BpeTokenizer.train(
      ['the cat sat on the mat', 'the dog ate the cat food', "it's naïve café"],
      300,
    );
    const { vocab, merges } = tokenizerToHf(tok);
    const back = tokenizerFromHf(JSON.parse(JSON.stringify(vocab)), merges);
    expect(back.tokenizer.toJSON()).toEqual(tok.toJSON());
    expect(Array.from(back.hfIds)).toEqual(Array.from({ length: tok.vocabSize }, (_, i) => i));
    expect(back.tokenizer.encode(text)).toEqual(tok.encode(text));
  });

  it("renumbers GPT-2's own vocab order (bytes permuted) and encodes as GPT-2 does", () => {
    const { vocab, merges } = tinyGpt2Files();
    const { tokenizer, hfIds } = tokenizerFromHf(vocab, merges);
    expect(tokenizer.vocabSize).toBe(264);
    expect(tokenizer.merges).toEqual([
      [32, 116],
      [32, 97],
      [104, 101],
      [105, 110],
      [114, 101],
      [111, 110],
      [256, 258],
    ]);
    expect(hfIds[32]).toBe(220); // space
    expect(hfIds[0]).toBe(188);
    expect(hfIds[101]).toBe(68); // 'e'
    expect(Array.from(hfIds.subarray(256))).toEqual([256, 257, 258, 259, 260, 261, 262, 263]);
    // " the" → Ġthe; " one" → Ġ on e; " in" → Ġ in; " here" → Ġ he re.
    const ours = tokenizer.encode(' the one in here');
    expect(ours).toEqual([262, 32, 261, 101, 32, 259, 32, 258, 260]);
    expect(ours.map((id) => hfIds[id])).toEqual([262, 220, 261, 68, 220, 259, 220, 258, 260]);
  });

  it('accepts a shuffled vocab and a file without the version line or final newline', () => {
    const { vocab, merges } = tinyGpt2Files();
    const shuffled = Object.fromEntries(Object.entries(vocab).map(([s, id]) => [s, 263 - id]));
    const body = merges.split('\n').slice(1).join('\r\n').trimEnd();
    const a = tokenizerFromHf(vocab, merges);
    const b = tokenizerFromHf(shuffled, body);
    expect(b.tokenizer.toJSON()).toEqual(a.tokenizer.toJSON());
    expect(Array.from(b.hfIds)).toEqual(Array.from(a.hfIds, (id) => 263 - id));
  });

  it('says what is wrong with broken files', () => {
    const { vocab, merges } = tinyGpt2Files();
    const without = (key: string) =>
      Object.fromEntries(Object.entries(vocab).filter(([s]) => s !== key));
    expect(() => tokenizerFromHf(without('Ġ'), merges)).toThrow(
      'vocab.json lacks the token for byte 32 "Ġ"',
    );
    expect(() => tokenizerFromHf(without('Ġthe'), merges)).toThrow(
      'vocab.json lacks the merged token of merges.txt line 8 "Ġthe"',
    );
    expect(() => tokenizerFromHf(without(EOT_TEXT), merges)).toThrow(
      'vocab.json lacks the end-of-text token "<|endoftext|>"',
    );
    expect(() => tokenizerFromHf(vocab, `${merges}th e\n`)).toThrow(
      'merges.txt line 9: "th" is neither a byte nor an earlier merge',
    );
    expect(() => tokenizerFromHf(vocab, `${merges}h e\n`)).toThrow(
      'merges.txt line 9: "he" is already a token (byte or merge)',
    );
    expect(() => tokenizerFromHf(vocab, `${merges}a b c\n`)).toThrow(
      'merges.txt line 9 is not two tokens split by one space',
    );
    expect(() => tokenizerFromHf({ ...vocab, extra: 264 }, merges)).toThrow(
      'vocab.json token "extra" (id 264) is neither a byte, a merge nor <|endoftext|>',
    );
    expect(() => tokenizerFromHf({ ...vocab, [EOT_TEXT]: 5 }, merges)).toThrow(
      'vocab.json gives id 5 to both "&" and "<|endoftext|>"',
    );
    expect(() => tokenizerFromHf([], merges)).toThrow('vocab.json must be an object of token → id');
  });
});
