/**
 * The ground-truth reward r*(x, y) of the sentiment task: the AFINN-165 lexicon (npm
 * `sentiment`) scoring the completion y only, so the prompt's own words don't set the score.
 * Mapped to [0, 1] by r* = σ(score / 2): 0.5 is neutral, one "good" (+3) gives 0.82, one
 * "terrible" (−3) gives 0.18.
 */
import Sentiment from 'sentiment';

const analyzer = new Sentiment();

export function afinnScore(text: string): number {
  return analyzer.analyze(text).score;
}

export function groundTruthReward(completion: string): number {
  return 1 / (1 + Math.exp(-afinnScore(completion) / 2));
}

/** The words that moved the score, with their AFINN weights (for highlighting). */
export function rewardBreakdown(text: string): { word: string; weight: number }[] {
  return analyzer
    .analyze(text)
    .calculation.flatMap((c) => Object.entries(c).map(([word, weight]) => ({ word, weight })));
}
