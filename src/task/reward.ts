/**
 * The ground-truth reward r*(x, y) of the sentiment task. The paper scores the sample with a
 * sentiment classifier (siebert/sentiment-roberta-large-english); we use the AFINN-165
 * lexicon of the npm package `sentiment` (integer word weights in [−5, 5], summed):
 *
 *   r*(x, y) = σ(s(y | x) / REWARD_TEMPERATURE) ∈ (0, 1),  0.5 = neutral,
 *
 * s(y | x) = the summed weights of the completion's words only, read in the text x + y
 * (concatenated as is: decoded BPE completions carry their own leading space) so a prompt
 * ending in "was not" still negates the completion's first word. The prompt's own words don't
 * count: with them, a prompt like "This movie was terrible" would cap the reward of every
 * continuation, the evaluation's mean reward would track the prompt mix rather than the policy,
 * and the sigmoid would squash the differences that rank a prompt's completions. (The order
 * within one prompt, hence the pair labels, is the same either way: σ is monotonic.)
 *
 * Negation: the package flips a word after "not", "don't", "isn't", ... but not after "wasn't",
 * "never", "no" or "didn't", nor across a degree word ("not very good"). Both are common in
 * reviews and in our corpus, so we register the same lexicon with a wider negation rule.
 */
import Sentiment from 'sentiment';
// The package's own English module (CommonJS): it loads the lexicon with require, which both
// Vite and Node resolve; importing labels.json directly breaks Node's ESM loader under tsx.
import english from 'sentiment/languages/en/index.js';

/** s = ±3 (one "great" / "terrible") gives r* = σ(±1) ≈ 0.73 / 0.27; s = ±9 gives 0.95 / 0.05. */
export const REWARD_TEMPERATURE = 3;

const LEXICON: Readonly<Record<string, number>> = english.labels;

/** "wasnt" stands for wasnt, wasn't and wasn’t: the package's tokenizer keeps apostrophes. */
const NEGATOR_STEMS =
  'not no never non hardly cant dont doesnt didnt isnt wasnt arent werent wont wouldnt ' +
  'couldnt shouldnt havent hasnt';
const NEGATORS = new Set(
  NEGATOR_STEMS.split(' ').flatMap((w) =>
    w.endsWith('nt') ? [w, `${w.slice(0, -2)}n't`, `${w.slice(0, -2)}n’t`] : [w],
  ),
);

/** Words a negation reaches across: "not very good", "wasn't that great", "not a good film". */
const NEGATION_BRIDGES = new Set(
  'very really so too that a an the quite all at even exactly remotely truly'.split(' '),
);

/** The negation rule's words, for ports of the reward (the TRL job's reward.py reads them). */
export const NEGATION_WORDS = {
  negators: [...NEGATORS],
  bridges: [...NEGATION_BRIDGES],
} as const;

/** Whether the lexicon word at tokens[cursor] is negated by the word(s) before it. */
function isNegated(tokens: readonly string[], cursor: number): boolean {
  const previous = tokens[cursor - 1];
  if (previous === undefined) return false;
  if (NEGATORS.has(previous)) return true;
  const beforePrevious = tokens[cursor - 2];
  return (
    NEGATION_BRIDGES.has(previous) && beforePrevious !== undefined && NEGATORS.has(beforePrevious)
  );
}

/** The package's scoring-strategy hook: a word's weight in its context. */
const contextualWeight = (tokens: string[], cursor: number, weight: number) =>
  isNegated(tokens, cursor) ? -weight : weight;

const LANGUAGE = 'en-dpo-negation';
const analyzer = new Sentiment();
// A copy: registerLanguage merges the package's emoji weights into the labels it is given.
analyzer.registerLanguage(LANGUAGE, {
  labels: { ...LEXICON },
  scoringStrategy: { apply: contextualWeight },
});

/** The package's tokenizer splits on whitespace and on these characters (lib/tokenize.js). */
const SEPARATOR = /[\s.,/#!?$%^&*;:{}=_`"~()]/;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** AFINN-165 score of a whole text, with the wider negation rule. */
export function sentimentScore(text: string): number {
  return analyzer.analyze(text, { language: LANGUAGE }).score;
}

interface SentimentTerm {
  /** The token as the lexicon matched it: lower case, punctuation stripped. */
  word: string;
  /** Position in RewardBreakdown.tokens. */
  tokenIndex: number;
  /** AFINN-165 weight, and the weight counted after negation. */
  lexiconWeight: number;
  weight: number;
  negated: boolean;
  /** False for the prompt's words: they are shown but do not count. */
  inCompletion: boolean;
}

export interface RewardBreakdown {
  /** Tokens of prompt + completion, as the package splits them. */
  tokens: string[];
  terms: SentimentTerm[];
  /** s(y | x): the summed weights of the completion's terms. */
  score: number;
  reward: number;
}

/** Index of the first completion token; a word glued across the boundary counts as completion. */
function completionStart(prompt: string, completion: string): number {
  if (prompt === '') return 0;
  const promptTokens = analyzer.analyze(prompt, { language: LANGUAGE }).tokens.filter(Boolean);
  const glued = !SEPARATOR.test(prompt.slice(-1)) && !SEPARATOR.test(completion.charAt(0));
  return Math.max(0, promptTokens.length - (glued && completion !== '' ? 1 : 0));
}

/** The words that set the reward, with their weights (for highlighting), and the reward. */
export function rewardBreakdown(completion: string, prompt = ''): RewardBreakdown {
  const { tokens } = analyzer.analyze(prompt + completion, { language: LANGUAGE });
  const start = completionStart(prompt, completion);
  const terms: SentimentTerm[] = [];
  let score = 0;
  tokens.forEach((word, tokenIndex) => {
    // hasOwn first: "constructor" and friends are not words of the lexicon.
    const lexiconWeight = Object.hasOwn(LEXICON, word) ? LEXICON[word] : undefined;
    if (lexiconWeight === undefined) return;
    const negated = isNegated(tokens, tokenIndex);
    const weight = negated ? -lexiconWeight : lexiconWeight;
    const inCompletion = tokenIndex >= start;
    if (inCompletion) score += weight;
    terms.push({ word, tokenIndex, lexiconWeight, weight, negated, inCompletion });
  });
  return { tokens, terms, score, reward: sigmoid(score / REWARD_TEMPERATURE) };
}

/**
 * r*(x, y) ∈ (0, 1): σ(s(y | x) / REWARD_TEMPERATURE). Without a prompt, the whole text is
 * scored (how the corpus labels are checked).
 */
export function groundTruthReward(completion: string, prompt = ''): number {
  if (prompt === '') return sigmoid(sentimentScore(completion) / REWARD_TEMPERATURE);
  return rewardBreakdown(completion, prompt).reward;
}
