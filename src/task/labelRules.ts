/**
 * Scripted labellers with a fixed taste, for tests and for trying which taste DPO learns: each
 * compares two completions and prefers one, or calls a tie (not trained on).
 *
 * 'shorter' and 'exclaim' are about form; 'praise', 'acting' and 'personal' are about content
 * (sentiment, topic, voice): each prefers the completion with more words from its own list and
 * calls equal counts a tie. The lists are this file's, not the ground-truth reward's lexicon.
 */

export type RuleChoice = 'a' | 'b' | 'tie';

const LABEL_RULES = ['shorter', 'exclaim', 'words', 'praise', 'acting', 'personal'] as const;
export type LabelRule = (typeof LABEL_RULES)[number];

/** The content tastes: word lists, never length. */
export const CONTENT_TASTES = ['praise', 'acting', 'personal'] as const;
type ContentTaste = (typeof CONTENT_TASTES)[number];

/** The word set of the 'words' rule: talk about the people on screen. */
const RULE_WORDS = ['acting', 'actor', 'actors', 'cast', 'performance', 'performances'];

/** Each content taste's words (lower case). */
const TASTE_WORDS: Readonly<Record<ContentTaste, readonly string[]>> = {
  /** Sentiment: a tester's own words of praise. */
  praise: [
    'good',
    'great',
    'best',
    'love',
    'loved',
    'fun',
    'funny',
    'beautiful',
    'wonderful',
    'brilliant',
    'enjoyed',
    'enjoy',
    'favorite',
    'amazing',
    'perfect',
    'excellent',
    'nice',
    'well',
    'worth',
    'recommend',
  ],
  /** Topic: the people who make and play the film. */
  acting: [
    'acting',
    'actor',
    'actors',
    'actress',
    'cast',
    'performance',
    'performances',
    'role',
    'roles',
    'played',
    'plays',
    'character',
    'characters',
    'director',
    'script',
    'writing',
  ],
  /** Voice: the reviewer speaks for themself. */
  personal: ['i', "i'm", "i've", "i'd", 'me', 'my', 'myself'],
};

/** "!" characters in a text. */
export function exclamations(text: string): number {
  let n = 0;
  for (const ch of text) if (ch === '!') n++;
  return n;
}

/** Lower-cased letter runs (with apostrophes) of a text. */
export function textWords(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/’/g, "'")
      .match(/[a-z']+/g) ?? []
  );
}

/** Words of `text` (lower-cased letter runs) that are in `words`. */
export function wordHits(text: string, words: readonly string[] = RULE_WORDS): number {
  const set = new Set(words);
  return textWords(text).filter((w) => set.has(w)).length;
}

/** The statistic a rule prefers more of (shorter: fewer characters, so minus the length). */
export function ruleScore(rule: LabelRule, text: string): number {
  switch (rule) {
    case 'shorter':
      return -text.trim().length;
    case 'exclaim':
      return exclamations(text);
    case 'words':
      return wordHits(text);
    case 'praise':
    case 'acting':
    case 'personal':
      return wordHits(text, TASTE_WORDS[rule]);
    default: {
      const never: never = rule;
      throw new Error(`unknown rule ${String(never)}`);
    }
  }
}

/** The completion the rule prefers; equal scores are a tie. */
export function applyRule(rule: LabelRule, a: string, b: string): RuleChoice {
  const d = ruleScore(rule, a) - ruleScore(rule, b);
  return d > 0 ? 'a' : d < 0 ? 'b' : 'tie';
}
