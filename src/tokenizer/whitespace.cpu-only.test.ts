import { describe, expect, it } from 'vitest';
import { GPT2_PATTERN, pretokenize } from './pretokenize';
import fixture from './whitespace.fixture.json';

/** The pattern as it was, with JavaScript's own \s (adds U+FEFF, lacks U+0085). */
const JS_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

describe('pre-tokeniser whitespace, as Python regex and HF tokenizers define \\s', () => {
  it('treats exactly the code points regex calls \\s as whitespace', () => {
    const ours: number[] = [];
    for (let c = 0; c < 0x110000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      // "\n" and a whitespace code point are one whitespace run; anything else is a new piece.
      if (pretokenize(`\n${String.fromCodePoint(c)}`).length === 1) ours.push(c);
    }
    expect(ours).toEqual(fixture.whitespace);
    expect(fixture.whitespace).toContain(0x85);
    expect(fixture.whitespace).not.toContain(0xfeff);
  });

  it('splits every whitespace-like case as tokenizers does', () => {
    expect(fixture.cases.length).toBeGreaterThan(300);
    for (const { text, pieces } of fixture.cases) expect(pretokenize(text)).toEqual(pieces);
  });

  it('fixes the two cases JavaScript \\s got wrong, and only those code points', () => {
    expect(pretokenize('a \ufeffb')).toEqual(['a', ' \ufeff', 'b']);
    expect(pretokenize('a \x85b')).toEqual(['a', ' ', '\x85', 'b']);
    const differing = new Set<number>();
    for (const { text, pieces } of fixture.cases) {
      const old = text.match(new RegExp(JS_PATTERN.source, 'gu')) ?? [];
      if (JSON.stringify(old) !== JSON.stringify(pieces)) {
        for (const ch of text) if (!/[a-z0-9 !]/.test(ch)) differing.add(ch.codePointAt(0) ?? 0);
      }
    }
    expect([...differing].sort((a, b) => a - b)).toEqual([0x85, 0xfeff]);
    expect(GPT2_PATTERN.flags).toBe('gu');
  });
});
