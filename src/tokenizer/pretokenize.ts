/**
 * GPT-2's pre-tokeniser: contractions, letter runs, digit runs, runs of other symbols, and
 * whitespace, with a single leading space kept on the piece after it (" the", " 42"). Every
 * code point falls in one of the classes, so the pieces always concatenate back to the text.
 */
export const GPT2_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export function pretokenize(text: string): string[] {
  return text.match(GPT2_PATTERN) ?? [];
}
