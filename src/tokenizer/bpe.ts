/**
 * Byte-level BPE in the GPT-2 manner: text → UTF-8 bytes, split by GPT-2's pre-tokeniser
 * regex, merges learned from pair counts and never crossing pre-token boundaries.
 *
 * Ids: 0..255 are the bytes, 256.. the merges in the order learned, and the last id
 * (vocabSize − 1) is <|endoftext|>, as GPT-2's 50256 is. vocabSize counts all of them, so a
 * tokenizer has vocabSize − 257 merges. Any well-formed string round-trips exactly.
 */
import { previewValue } from '../util/preview';
import { pretokenize } from './pretokenize';
import { PairQueue } from './queue';
import { MAX_VOCAB_SIZE, pairKey, trainMerges, type WordCount } from './train';

export { pretokenize } from './pretokenize';

export const EOT_TEXT = '<|endoftext|>';

export interface TokenizerJSON {
  kind: 'byte-bpe';
  version: 1;
  /** 256 bytes + merges.length + 1 (end-of-text). */
  vocabSize: number;
  /** Merge i makes id 256 + i from the pair [left, right]. */
  merges: [number, number][];
  /** Always vocabSize − 1. */
  eot: number;
}

export interface TrainOptions {
  /** Called after each merge with (merges learned, merges asked for). */
  onProgress?: (done: number, total: number) => void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** Pre-tokens up to this many bytes merge by rescanning; longer ones through a heap. */
const SHORT_PIECE_BYTES = 48;
const CACHE_LIMIT = 50_000;
const CACHEABLE_PIECE_LENGTH = 256;

export class BpeTokenizer {
  readonly vocabSize: number;
  readonly eot: number;
  readonly merges: readonly (readonly [number, number])[];
  /** pairKey(left, right) → merge rank; the merged id is 256 + rank. */
  private readonly ranks = new Map<number, number>();
  private readonly tokenBytes: Uint8Array[] = [];
  private readonly cache = new Map<string, number[]>();
  private readonly trainedBytesPerToken: number | undefined;

  private constructor(merges: [number, number][], trainedBytesPerToken?: number) {
    this.merges = merges;
    this.vocabSize = 256 + merges.length + 1;
    this.eot = this.vocabSize - 1;
    this.trainedBytesPerToken = trainedBytesPerToken;
    for (let b = 0; b < 256; b++) this.tokenBytes.push(Uint8Array.of(b));
    merges.forEach(([left, right], rank) => {
      this.ranks.set(pairKey(left, right), rank);
      const a = this.tokenBytes[left] ?? new Uint8Array();
      const b = this.tokenBytes[right] ?? new Uint8Array();
      const both = new Uint8Array(a.length + b.length);
      both.set(a);
      both.set(b, a.length);
      this.tokenBytes.push(both);
    });
    this.tokenBytes.push(encoder.encode(EOT_TEXT));
  }

  /**
   * Learns merges until there are vocabSize ids (bytes + merges + end-of-text). Stops early
   * once no adjacent pair occurs twice in the corpus; vocabSize then reports what was learned.
   * Each string of an array is pre-tokenised on its own.
   */
  static train(corpus: string | string[], vocabSize: number, opts?: TrainOptions): BpeTokenizer {
    if (!Number.isInteger(vocabSize) || vocabSize < 257 || vocabSize > MAX_VOCAB_SIZE) {
      throw new Error(
        `vocabSize must be an integer in [257, ${MAX_VOCAB_SIZE}] (256 bytes + merges + end-of-text), got ${vocabSize}`,
      );
    }
    const texts = typeof corpus === 'string' ? [corpus] : corpus;
    const pieceCounts = new Map<string, number>();
    for (const text of texts) {
      if (typeof text !== 'string') throw new Error('tokenizer corpus must be strings');
      for (const piece of pretokenize(text)) {
        pieceCounts.set(piece, (pieceCounts.get(piece) ?? 0) + 1);
      }
    }
    let byteCount = 0;
    const words: WordCount[] = [];
    for (const [piece, count] of pieceCounts) {
      const ids = Array.from(encoder.encode(piece));
      byteCount += ids.length * count;
      words.push({ ids, count });
    }
    const { merges, tokenCount } = trainMerges(words, vocabSize - 257, opts?.onProgress);
    return new BpeTokenizer(merges, tokenCount > 0 ? byteCount / tokenCount : undefined);
  }

  /** Checks the shape and every id; throws an Error naming what is wrong. */
  static fromJSON(j: TokenizerJSON): BpeTokenizer {
    const o: unknown = j;
    if (typeof o !== 'object' || o === null) throw new Error('tokenizer JSON must be an object');
    const { kind, version, vocabSize, merges, eot } = o as Record<string, unknown>;
    if (kind !== 'byte-bpe')
      throw new Error(`tokenizer kind must be 'byte-bpe', got ${previewValue(kind)}`);
    if (version !== 1) throw new Error(`tokenizer version must be 1, got ${previewValue(version)}`);
    if (!Array.isArray(merges)) throw new Error('tokenizer merges must be an array');
    if (merges.length > MAX_VOCAB_SIZE - 257) throw new Error('tokenizer has too many merges');
    const seen = new Set<number>();
    const checked: [number, number][] = merges.map((m: unknown, i) => {
      const isId = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
      if (!Array.isArray(m) || m.length !== 2 || !m.every(isId)) {
        throw new Error(`tokenizer merge ${i} must be a pair of non-negative integer ids`);
      }
      const [left, right] = m as [number, number];
      if (left >= 256 + i || right >= 256 + i) {
        throw new Error(`tokenizer merge ${i} refers to an unknown id (ids so far < ${256 + i})`);
      }
      const key = pairKey(left, right);
      if (seen.has(key)) throw new Error(`tokenizer merge ${i} repeats [${left}, ${right}]`);
      seen.add(key);
      return [left, right];
    });
    const expected = 256 + checked.length + 1;
    if (vocabSize !== expected) {
      throw new Error(
        `tokenizer vocabSize ${previewValue(vocabSize)} does not match its ${checked.length} merges (expected ${expected})`,
      );
    }
    if (eot !== expected - 1) {
      throw new Error(`tokenizer eot ${previewValue(eot)} must be the last id, ${expected - 1}`);
    }
    return new BpeTokenizer(checked);
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

  /**
   * UTF-8 bytes of the training corpus per token once encoded; undefined for a tokenizer
   * loaded from JSON (the corpus is not part of it).
   */
  get bytesPerToken(): number | undefined {
    return this.trainedBytesPerToken;
  }

  /** Plain text only: a literal "<|endoftext|>" is encoded as bytes, never as eot. */
  encode(text: string): number[] {
    const out: number[] = [];
    for (const piece of pretokenize(text)) {
      for (const id of this.encodePiece(piece)) out.push(id);
    }
    return out;
  }

  /** Invalid UTF-8 (e.g. a cut multi-byte character) decodes to U+FFFD. */
  decode(ids: number[]): string {
    const parts = ids.map((id) => this.decodeToken(id));
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      bytes.set(p, offset);
      offset += p.length;
    }
    return decoder.decode(bytes);
  }

  /** The bytes of one token (shared: do not modify). */
  decodeToken(id: number): Uint8Array {
    const bytes = Number.isInteger(id) ? this.tokenBytes[id] : undefined;
    if (!bytes) throw new Error(`token id ${id} is outside the vocabulary [0, ${this.vocabSize})`);
    return bytes;
  }

  /** One token for display: its text, with bytes that are not whole UTF-8 shown as \xHH. */
  tokenText(id: number): string {
    const bytes = this.decodeToken(id);
    let text = '';
    let i = 0;
    while (i < bytes.length) {
      const lead = bytes[i] ?? 0;
      const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      const char = utf8Char(bytes.subarray(i, i + length));
      if (char !== undefined) {
        text += char;
        i += length;
      } else {
        text += `\\x${lead.toString(16).toUpperCase().padStart(2, '0')}`;
        i++;
      }
    }
    return text;
  }

  private encodePiece(piece: string): number[] {
    const cached = this.cache.get(piece);
    if (cached) return cached;
    const bytes = encoder.encode(piece);
    const ids =
      bytes.length <= SHORT_PIECE_BYTES
        ? this.mergeShort(Array.from(bytes))
        : this.mergeLong(Array.from(bytes));
    if (piece.length <= CACHEABLE_PIECE_LENGTH) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(piece, ids);
    }
    return ids;
  }

  /** Standard BPE: merge the lowest-ranked adjacent pair (leftmost on ties) until none is left. */
  private mergeShort(ids: number[]): number[] {
    for (;;) {
      let bestAt = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i + 1 < ids.length; i++) {
        const rank = this.ranks.get(pairKey(ids[i] ?? 0, ids[i + 1] ?? 0));
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestAt = i;
        }
      }
      if (bestAt < 0) return ids;
      ids.splice(bestAt, 2, 256 + bestRank);
    }
  }

  /**
   * The same merges in the same order as mergeShort, in O(n log n): positions form a linked
   * list, and candidate pairs wait in a heap by (rank, position); stale ones are skipped.
   */
  private mergeLong(ids: number[]): number[] {
    const n = ids.length;
    const next = Int32Array.from({ length: n }, (_, i) => i + 1);
    const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
    const queue = new PairQueue();
    const enqueue = (i: number) => {
      const j = next[i] ?? n;
      if (j >= n) return;
      const rank = this.ranks.get(pairKey(ids[i] ?? 0, ids[j] ?? 0));
      if (rank !== undefined) queue.push(-rank, i);
    };
    for (let i = 0; i + 1 < n; i++) enqueue(i);
    while (queue.pop()) {
      const rank = -queue.topPrimary;
      const i = queue.topSecondary;
      const j = next[i] ?? n;
      const merge = this.merges[rank];
      if (j >= n || !merge || ids[i] !== merge[0] || ids[j] !== merge[1]) continue;
      ids[i] = 256 + rank;
      ids[j] = -1;
      const k = next[j] ?? n;
      next[i] = k;
      if (k < n) prev[k] = i;
      const before = prev[i] ?? -1;
      if (before >= 0) enqueue(before);
      enqueue(i);
    }
    return ids.filter((id) => id >= 0);
  }
}

function utf8Char(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}
