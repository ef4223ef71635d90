/**
 * Preference labelling: K completions of one prompt, scored by the ground-truth reward, become
 * (chosen, rejected) pairs. The paper samples 4 completions per prefix and keeps all 6 pairs.
 */

export interface Scored<T> {
  item: T;
  reward: number;
}

export interface LabelledPair<T> {
  chosen: T;
  rejected: T;
  chosenReward: number;
  rejectedReward: number;
  /** Positions in the input, so per-completion work (log-probs) can be shared across pairs. */
  chosenIndex: number;
  rejectedIndex: number;
}

/** 'all': every pair of completions (K(K−1)/2); 'best-vs-worst': at most one per prompt. */
export type PairingMode = 'all' | 'best-vs-worst';

/**
 * Pairs whose rewards differ by more than tieEpsilon, the higher reward chosen; ties carry no
 * preference and are dropped. The default only drops exact ties up to rounding: AFINN rewards
 * are σ of integer scores, so distinct scores differ by far more than 1e-6 below |s| ≈ 30.
 */
export function makePairs<T>(
  completions: readonly Scored<T>[],
  mode: PairingMode,
  tieEpsilon = 1e-6,
): LabelledPair<T>[] {
  if (!(tieEpsilon >= 0)) throw new Error(`tieEpsilon must be ≥ 0, got ${tieEpsilon}`);
  for (const c of completions) {
    // A NaN reward would silently compare as a tie and drop every pair it is in.
    if (!Number.isFinite(c.reward)) throw new Error(`reward must be finite, got ${c.reward}`);
  }
  const pair = (i: number, j: number): LabelledPair<T> | null => {
    const a = completions[i];
    const b = completions[j];
    if (!a || !b || Math.abs(a.reward - b.reward) <= tieEpsilon) return null;
    const [w, l, wi, li] = a.reward > b.reward ? [a, b, i, j] : [b, a, j, i];
    return {
      chosen: w.item,
      rejected: l.item,
      chosenReward: w.reward,
      rejectedReward: l.reward,
      chosenIndex: wi,
      rejectedIndex: li,
    };
  };
  if (mode === 'best-vs-worst') {
    let best = 0;
    let worst = 0;
    completions.forEach((c, i) => {
      if (c.reward > (completions[best]?.reward ?? c.reward)) best = i;
      if (c.reward < (completions[worst]?.reward ?? c.reward)) worst = i;
    });
    const p = pair(best, worst);
    return p ? [p] : [];
  }
  const pairs: LabelledPair<T>[] = [];
  for (let i = 0; i < completions.length; i++) {
    for (let j = i + 1; j < completions.length; j++) {
      const p = pair(i, j);
      if (p) pairs.push(p);
    }
  }
  return pairs;
}
