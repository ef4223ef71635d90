/**
 * BPE merge learning with incremental pair counts: each merge updates only the words that
 * contain the merged pair (found through a pair → words index), not the whole corpus.
 * Ties break deterministically: highest count, then the smallest (left, right) ids.
 */

interface Word {
  ids: number[];
  count: number;
}

const key = (a: number, b: number) => a * 0x100000 + b; // ids < 2^20

export function trainMerges(words: Word[], maxMerges: number): [number, number][] {
  const counts = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  const addPairs = (wi: number, sign: 1 | -1) => {
    const w = words[wi];
    if (!w) return;
    for (let i = 0; i < w.ids.length - 1; i++) {
      const k = key(w.ids[i] ?? 0, w.ids[i + 1] ?? 0);
      counts.set(k, (counts.get(k) ?? 0) + sign * w.count);
      if (sign > 0) {
        let s = where.get(k);
        if (!s) {
          s = new Set();
          where.set(k, s);
        }
        s.add(wi);
      }
    }
  };
  words.forEach((_, wi) => {
    addPairs(wi, 1);
  });

  const merges: [number, number][] = [];
  for (let m = 0; m < maxMerges; m++) {
    let bestKey = -1;
    let bestCount = 1; // a pair seen once compresses nothing
    for (const [k, c] of counts) {
      if (c > bestCount || (c === bestCount && bestKey >= 0 && k < bestKey)) {
        bestKey = k;
        bestCount = c;
      }
    }
    if (bestKey < 0) break;
    const a = Math.floor(bestKey / 0x100000);
    const b = bestKey % 0x100000;
    const id = 256 + m;
    merges.push([a, b]);
    for (const wi of where.get(bestKey) ?? []) {
      const w = words[wi];
      if (!w) continue;
      addPairs(wi, -1);
      const next: number[] = [];
      for (let i = 0; i < w.ids.length; i++) {
        if (i < w.ids.length - 1 && w.ids[i] === a && w.ids[i + 1] === b) {
          next.push(id);
          i++;
        } else next.push(w.ids[i] ?? 0);
      }
      w.ids = next;
      addPairs(wi, 1);
    }
    counts.delete(bestKey);
    where.delete(bestKey);
  }
  return merges;
}
