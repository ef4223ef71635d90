/**
 * BPE merge learning over pre-token (word) counts. Pair counts are updated incrementally: a
 * merge revisits only the words indexed under the merged pair, and the best pair comes off a
 * lazy max-heap instead of a scan of every pair. Ties break deterministically: highest count,
 * then the smallest (left, right) ids, so a corpus and a size always give the same merges.
 */
import { PairQueue } from './queue';

/** Ids stay below 2^20, so a pair packs into one safe integer that sorts like (left, right). */
export const MAX_VOCAB_SIZE = 1 << 20;

export const pairKey = (left: number, right: number): number => left * MAX_VOCAB_SIZE + right;

export interface WordCount {
  /** Token ids of one distinct pre-token; rewritten in place as merges are learned. */
  ids: number[];
  /** How often the pre-token occurs in the corpus. */
  count: number;
}

export interface TrainedMerges {
  /** Merge i makes id 256 + i from [left, right]. */
  merges: [number, number][];
  /** Tokens the corpus takes once all merges apply. */
  tokenCount: number;
}

/**
 * Learns up to maxMerges merges, stopping early once no adjacent pair occurs at least twice
 * (merging a pair seen once only memorises the corpus).
 */
export function trainMerges(
  words: WordCount[],
  maxMerges: number,
  onProgress?: (done: number, total: number) => void,
): TrainedMerges {
  const counts = new Map<number, number>();
  // pair → words that contained it when indexed; may hold words that no longer do.
  const wordsWith = new Map<number, Set<number>>();
  const index = (key: number, wi: number) => {
    const set = wordsWith.get(key);
    if (set) set.add(wi);
    else wordsWith.set(key, new Set([wi]));
  };

  words.forEach(({ ids, count }, wi) => {
    for (let i = 0; i + 1 < ids.length; i++) {
      const key = pairKey(ids[i] ?? 0, ids[i + 1] ?? 0);
      counts.set(key, (counts.get(key) ?? 0) + count);
      index(key, wi);
    }
  });
  const queue = new PairQueue();
  for (const [key, count] of counts) if (count >= 2) queue.push(count, key);

  const merges: [number, number][] = [];
  const delta = new Map<number, number>();
  while (merges.length < maxMerges && queue.pop()) {
    const best = queue.topSecondary;
    // Entries go stale when a count changes after being queued; the fresh one is queued too.
    if (counts.get(best) !== queue.topPrimary) continue;
    const left = Math.floor(best / MAX_VOCAB_SIZE);
    const right = best % MAX_VOCAB_SIZE;
    const merged = 256 + merges.length;
    merges.push([left, right]);

    delta.clear();
    for (const wi of wordsWith.get(best) ?? []) {
      const word = words[wi];
      if (!word) continue;
      const next = mergePair(word.ids, left, right, merged);
      if (next === word.ids) continue;
      addPairs(delta, word.ids, -word.count);
      addPairs(delta, next, word.count);
      for (let i = 0; i + 1 < next.length; i++) {
        const a = next[i] ?? 0;
        const b = next[i + 1] ?? 0;
        if (a === merged || b === merged) index(pairKey(a, b), wi);
      }
      word.ids = next;
    }
    for (const [key, d] of delta) {
      if (d === 0) continue;
      const count = (counts.get(key) ?? 0) + d;
      if (count > 0) {
        counts.set(key, count);
        if (count >= 2) queue.push(count, key);
      } else {
        counts.delete(key);
        wordsWith.delete(key);
      }
    }
    onProgress?.(merges.length, maxMerges);
  }

  let tokenCount = 0;
  for (const { ids, count } of words) tokenCount += ids.length * count;
  return { merges, tokenCount };
}

function addPairs(delta: Map<number, number>, ids: number[], count: number): void {
  for (let i = 0; i + 1 < ids.length; i++) {
    const key = pairKey(ids[i] ?? 0, ids[i + 1] ?? 0);
    delta.set(key, (delta.get(key) ?? 0) + count);
  }
}

/** Left-to-right, non-overlapping; returns ids itself when the pair does not occur. */
function mergePair(ids: number[], left: number, right: number, merged: number): number[] {
  let out: number[] | undefined;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] ?? 0;
    if (id === left && ids[i + 1] === right) {
      out ??= ids.slice(0, i);
      out.push(merged);
      i++;
    } else out?.push(id);
  }
  return out ?? ids;
}
