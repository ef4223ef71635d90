/**
 * Byte-level BPE in the GPT-2 manner: text → UTF-8 bytes, split by GPT-2's pre-tokeniser
 * regex, merges learned from pair counts and never crossing pre-token boundaries. Ids 0..255
 * are the bytes, 256.. the merges in the order learned, and the last id is <|endoftext|>
 * (GPT-2's 50256 plays the same role). Any string round-trips exactly.
 */
import { trainMerges } from './train';

/** GPT-2's pre-tokeniser. */
export const GPT2_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export const EOT_TEXT = '<|endoftext|>';

export interface TokenizerJSON {
  kind: 'byte-bpe';
  version: 1;
  vocabSize: number;
  /** Merge i creates id 256 + i from the pair [left, right]. */
  merges: [number, number][];
  eot: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

export function pretokenize(text: string): string[] {
  return text.match(GPT2_PATTERN) ?? [];
}

export class BpeTokenizer {
  readonly vocabSize: number;
  readonly eot: number;
  readonly merges: readonly [number, number][];
  /** "left,right" → rank (the merged id is 256 + rank). */
  private readonly ranks = new Map<string, number>();
  private readonly bytesOf: Uint8Array[] = [];
  private readonly cache = new Map<string, number[]>();

  private constructor(merges: [number, number][]) {
    this.merges = merges;
    this.vocabSize = 256 + merges.length + 1;
    this.eot = this.vocabSize - 1;
    for (let b = 0; b < 256; b++) this.bytesOf.push(Uint8Array.of(b));
    merges.forEach(([a, b], i) => {
      this.ranks.set(`${a},${b}`, i);
      const left = this.bytesOf[a] ?? new Uint8Array();
      const right = this.bytesOf[b] ?? new Uint8Array();
      const both = new Uint8Array(left.length + right.length);
      both.set(left);
      both.set(right, left.length);
      this.bytesOf.push(both);
    });
    this.bytesOf.push(encoder.encode(EOT_TEXT));
  }

  /**
   * Learns merges until the vocabulary (bytes + merges + end-of-text) has vocabSize ids, or
   * earlier when no pair occurs twice; vocabSize then reports what was learned.
   */
  static train(corpus: string | string[], vocabSize: number): BpeTokenizer {
    if (!Number.isInteger(vocabSize) || vocabSize < 257) {
      throw new Error('vocabSize must be an integer ≥ 257 (256 bytes + end-of-text)');
    }
    const texts = typeof corpus === 'string' ? [corpus] : corpus;
    const words = new Map<string, number>();
    for (const text of texts) {
      for (const w of pretokenize(text)) words.set(w, (words.get(w) ?? 0) + 1);
    }
    const wordBytes = [...words.entries()].map(([w, n]) => ({
      ids: Array.from(encoder.encode(w)),
      count: n,
    }));
    return new BpeTokenizer(trainMerges(wordBytes, vocabSize - 257));
  }

  static fromJSON(j: unknown): BpeTokenizer {
    const o = j as Partial<TokenizerJSON> | null;
    if (!o || typeof o !== 'object' || o.kind !== 'byte-bpe' || o.version !== 1) {
      throw new Error('not a byte-bpe tokenizer (kind/version)');
    }
    if (!Array.isArray(o.merges)) throw new Error('tokenizer merges must be an array');
    o.merges.forEach((m, i) => {
      const ok =
        Array.isArray(m) &&
        m.length === 2 &&
        m.every((x) => Number.isInteger(x) && x >= 0 && x < 256 + i);
      if (!ok) throw new Error(`tokenizer merge ${i} refers to an unknown id`);
    });
    const t = new BpeTokenizer(o.merges);
    if (o.vocabSize !== t.vocabSize || o.eot !== t.eot) {
      throw new Error(
        `tokenizer vocabSize ${o.vocabSize} does not match its ${o.merges.length} merges`,
      );
    }
    return t;
  }

  toJSON(): TokenizerJSON {
    return {
      kind: 'byte-bpe',
      version: 1,
      vocabSize: this.vocabSize,
      merges: this.merges.map(([a, b]) => [a, b]),
      eot: this.eot,
    };
  }

  /** Plain text only: a literal "<|endoftext|>" is encoded as bytes, never as eot. */
  encode(text: string): number[] {
    const out: number[] = [];
    for (const w of pretokenize(text)) {
      let ids = this.cache.get(w);
      if (!ids) {
        ids = this.encodeWord(Array.from(encoder.encode(w)));
        if (this.cache.size < 100_000) this.cache.set(w, ids);
      }
      for (const id of ids) out.push(id);
    }
    return out;
  }

  decode(ids: number[]): string {
    return decoder.decode(this.bytes(ids));
  }

  /** The bytes of one token. */
  decodeToken(id: number): Uint8Array {
    const b = this.bytesOf[id];
    if (!b) throw new Error(`token id ${id} is outside the vocabulary`);
    return b;
  }

  /** A display string of one token (partial UTF-8 shows as U+FFFD). */
  tokenText(id: number): string {
    return decoder.decode(this.decodeToken(id));
  }

  private bytes(ids: number[]): Uint8Array {
    const parts = ids.map((id) => this.decodeToken(id));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  /** Standard BPE: repeatedly merge the adjacent pair of lowest rank. */
  private encodeWord(ids: number[]): number[] {
    const w = ids.slice();
    while (w.length > 1) {
      let best = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i < w.length - 1; i++) {
        const r = this.ranks.get(`${w[i]},${w[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      w.splice(best, 2, 256 + bestRank);
    }
    return w;
  }
}
