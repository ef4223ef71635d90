/**
 * GPT-2's pre-tokeniser: contractions, letter runs, digit runs, runs of other symbols, and
 * whitespace, with a single leading space kept on the piece after it (" the", " 42"). Every
 * code point falls in one of the classes, so the pieces always concatenate back to the text.
 *
 * `\s` is spelled out as Python's `regex` (GPT-2's encoder.py) and Hugging Face `tokenizers`
 * define it, the Unicode White_Space property: JavaScript's `\s` adds U+FEFF and lacks U+0085,
 * which split "a \ufeffb" and "a \x85b" differently. whitespace.fixture.json, generated with
 * the real libraries (python/make_whitespace_fixture.py), pins every such code point.
 */
const WHITESPACE_CLASS =
  '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const S = `[${WHITESPACE_CLASS}]`;
const NOT_S = `[^${WHITESPACE_CLASS}]`;

export const GPT2_PATTERN = new RegExp(
  `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WHITESPACE_CLASS}\\p{L}\\p{N}]+|${S}+(?!${NOT_S})|${S}+`,
  'gu',
);

export function pretokenize(text: string): string[] {
  return text.match(GPT2_PATTERN) ?? [];
}
