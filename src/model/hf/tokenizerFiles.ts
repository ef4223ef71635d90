/**
 * GPT-2's tokenizer files, vocab.json (token string → id) and merges.txt ("#version: 0.2" then
 * one "left right" pair per line, in rank order), to and from our BpeTokenizer. Token strings
 * spell bytes through GPT-2's bytes_to_unicode table, so a space is "Ġ" and no token holds one.
 *
 * Our ids: byte b → b, merge i → 256 + i, end-of-text last. Hugging Face files may number the
 * same tokens in any order; `hfIds` maps ours to theirs.
 */
import { BpeTokenizer, EOT_TEXT } from '../../tokenizer/bpe';
import { previewValue } from '../../util/preview';

export const MERGES_HEADER = '#version: 0.2';

/**
 * GPT-2's bytes_to_unicode: printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for
 * themselves, the other 68 bytes for U+0100 upwards, in byte order.
 */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 256;
  return Array.from({ length: 256 }, (_, b) => String.fromCodePoint(printable(b) ? b : next++));
})();

/** A token's bytes as GPT-2 spells them in vocab.json and merges.txt. */
function tokenString(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += BYTE_TO_CHAR[b];
  return s;
}

export interface HfTokenizerFiles {
  /** vocab.json: token string → id. */
  vocab: Record<string, number>;
  /** merges.txt, newline-terminated (GPT2Tokenizer drops the text after the last newline). */
  merges: string;
}

/** Our tokenizer as vocab.json + merges.txt, ids unchanged. */
export function tokenizerToHf(tokenizer: BpeTokenizer): HfTokenizerFiles {
  const vocab: Record<string, number> = {};
  const strings: string[] = [];
  for (let id = 0; id < tokenizer.eot; id++) {
    const s = tokenString(tokenizer.decodeToken(id));
    if (Object.hasOwn(vocab, s)) {
      throw new Error(
        `tokenizer ids ${vocab[s]} and ${id} are the same bytes (${s}); vocab.json cannot hold both`,
      );
    }
    vocab[s] = id;
    strings.push(s);
  }
  if (Object.hasOwn(vocab, EOT_TEXT)) {
    throw new Error(
      `tokenizer id ${vocab[EOT_TEXT]} spells ${EOT_TEXT}; vocab.json needs it for eot`,
    );
  }
  vocab[EOT_TEXT] = tokenizer.eot;
  const lines = [MERGES_HEADER];
  for (const [left, right] of tokenizer.merges) lines.push(`${strings[left]} ${strings[right]}`);
  return { vocab, merges: `${lines.join('\n')}\n` };
}

export interface ImportedTokenizer {
  tokenizer: BpeTokenizer;
  /** hfIds[ourId] = the id vocab.json gives the same token. */
  hfIds: Int32Array;
}

/**
 * Rebuilds our tokenizer from vocab.json + merges.txt. Every vocab entry must be a byte, the
 * result of exactly one merge, or the end-of-text token `eotText`.
 */
export function tokenizerFromHf(
  vocabJson: unknown,
  mergesText: string,
  eotText = EOT_TEXT,
): ImportedTokenizer {
  const vocab = readVocab(vocabJson);
  const hfId = (s: string, what: string): number => {
    const id = vocab.get(s);
    if (id === undefined) throw new Error(`vocab.json lacks ${what} ${previewValue(s)}`);
    return id;
  };
  const eotId = hfId(eotText, 'the end-of-text token');
  const ourIds = new Map<string, number>(); // token string → our id
  const hfIds: number[] = [];
  BYTE_TO_CHAR.forEach((c, b) => {
    hfIds.push(hfId(c, `the token for byte ${b}`));
    ourIds.set(c, b);
  });
  const merges: [number, number][] = [];
  const lines = mergesText.split(/\r?\n/);
  lines.forEach((line, lineIndex) => {
    if (line === '' || (lineIndex === 0 && line.startsWith('#version'))) return;
    const where = `merges.txt line ${lineIndex + 1}`;
    const parts = line.split(' ');
    if (parts.length !== 2) throw new Error(`${where} is not two tokens split by one space`);
    const [left = '', right = ''] = parts;
    const l = ourIds.get(left);
    const r = ourIds.get(right);
    if (l === undefined || r === undefined) {
      const missing = l === undefined ? left : right;
      throw new Error(`${where}: ${previewValue(missing)} is neither a byte nor an earlier merge`);
    }
    const merged = left + right;
    if (ourIds.has(merged)) {
      throw new Error(`${where}: ${previewValue(merged)} is already a token (byte or merge)`);
    }
    ourIds.set(merged, 256 + merges.length);
    hfIds.push(hfId(merged, `the merged token of ${where}`));
    merges.push([l, r]);
  });
  if (ourIds.has(eotText)) throw new Error(`end-of-text ${eotText} is also a byte or a merge`);
  hfIds.push(eotId);
  for (const [s, id] of vocab) {
    if (s !== eotText && !ourIds.has(s)) {
      throw new Error(
        `vocab.json token ${previewValue(s)} (id ${id}) is neither a byte, a merge nor ${eotText}`,
      );
    }
  }
  const tokenizer = BpeTokenizer.fromJSON({
    kind: 'byte-bpe',
    version: 1,
    vocabSize: 256 + merges.length + 1,
    merges,
    eot: 256 + merges.length,
  });
  return { tokenizer, hfIds: Int32Array.from(hfIds) };
}

function readVocab(json: unknown): Map<string, number> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('vocab.json must be an object of token → id');
  }
  const vocab = new Map<string, number>();
  const seen = new Map<number, string>();
  for (const [s, id] of Object.entries(json as Record<string, unknown>)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      throw new Error(`vocab.json id of ${previewValue(s)} must be a non-negative integer`);
    }
    const other = seen.get(id as number);
    if (other !== undefined) {
      throw new Error(
        `vocab.json gives id ${id} to both ${previewValue(other)} and ${previewValue(s)}`,
      );
    }
    seen.set(id as number, s);
    vocab.set(s, id as number);
  }
  return vocab;
}
