/** Turning K scored completions of one prompt into preference pairs (paper: 4 → 6 pairs). */

export interface Scored<T> {
  item: T;
  reward: number;
}

export interface LabelledPair<T> {
  chosen: T;
  rejected: T;
  chosenReward: number;
  rejectedReward: number;
}

export type PairingMode = 'all' | 'best-vs-worst';

/** Ties (|Δr| ≤ tieEpsilon) are dropped: they carry no preference. */
export function makePairs<T>(
  completions: Scored<T>[],
  mode: PairingMode,
  tieEpsilon = 1e-6,
): LabelledPair<T>[] {
  const pair = (a: Scored<T>, b: Scored<T>): LabelledPair<T> | null => {
    if (Math.abs(a.reward - b.reward) <= tieEpsilon) return null;
    const [w, l] = a.reward > b.reward ? [a, b] : [b, a];
    return { chosen: w.item, rejected: l.item, chosenReward: w.reward, rejectedReward: l.reward };
  };
  if (mode === 'best-vs-worst') {
    if (completions.length < 2) return [];
    const sorted = [...completions].sort((a, b) => b.reward - a.reward);
    const p = pair(sorted[0] as Scored<T>, sorted[sorted.length - 1] as Scored<T>);
    return p ? [p] : [];
  }
  const out: LabelledPair<T>[] = [];
  for (let i = 0; i < completions.length; i++) {
    for (let j = i + 1; j < completions.length; j++) {
      const p = pair(completions[i] as Scored<T>, completions[j] as Scored<T>);
      if (p) out.push(p);
    }
  }
  return out;
}

/** A prefix of 2–8 words of a review: the prompt x of the sentiment task. */
export function reviewPrefix(text: string, rand: () => number, minWords = 2, maxWords = 8): string {
  const words = text.split(' ');
  const n = Math.min(words.length - 1, minWords + Math.floor(rand() * (maxWords - minWords + 1)));
  return words.slice(0, Math.max(1, n)).join(' ');
}
