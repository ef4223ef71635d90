/**
 * Best-of-N sampling (the paper's Task 1 baseline): draw N completions from π_ref, keep the
 * one a reward ranks highest. No training; its KL from π_ref is known in closed form.
 */

/**
 * KL(π_BoN ‖ π_ref) ≤ log n − (n − 1)/n, in nats: the formula of Stiennon et al. 2020 and
 * Gao et al. 2023, which Beirami et al. 2024 ("Theoretical guarantees on the best-of-n
 * alignment policy", Thm 3.1) show is an upper bound, tight when the reward has no ties and
 * every output is rare. n = 1 gives 0.
 */
export function bestOfNKl(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error('n must be an integer ≥ 1');
  return Math.log(n) - (n - 1) / n;
}

export interface BestOfNChoice {
  /** Per prompt, the index of its highest-reward candidate (the first one on a tie). */
  chosenIndex: number[];
  /** Mean over prompts of the chosen candidates' rewards. */
  meanReward: number;
}

/** rewards[i][j]: reward of candidate j for prompt i. Every prompt needs ≥ 1 candidate. */
export function bestOfN(rewards: number[][]): BestOfNChoice {
  if (rewards.length === 0) throw new Error('no prompts');
  const chosenIndex = rewards.map((row, i) => {
    if (row.length === 0) throw new Error(`prompt ${i} has no candidates`);
    let best = 0;
    row.forEach((r, j) => {
      if (r > (row[best] ?? Number.NEGATIVE_INFINITY)) best = j;
    });
    return best;
  });
  const total = chosenIndex.reduce((s, j, i) => s + (rewards[i]?.[j] ?? Number.NaN), 0);
  return { chosenIndex, meanReward: total / rewards.length };
}
