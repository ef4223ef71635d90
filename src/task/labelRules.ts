/**
 * Scripted labellers with a fixed taste, for tests and for trying which taste DPO learns: each
 * compares two completions and prefers one, or calls a tie (not trained on).
 */

export type RuleChoice = 'a' | 'b' | 'tie';

const LABEL_RULES = ['shorter', 'exclaim', 'words'] as const;
export type LabelRule = (typeof LABEL_RULES)[number];

/** The word set of the 'words' rule: talk about the people on screen. */
const RULE_WORDS = ['acting', 'actor', 'actors', 'cast', 'performance', 'performances'];

/** "!" characters in a text. */
export function exclamations(text: string): number {
  let n = 0;
  for (const ch of text) if (ch === '!') n++;
  return n;
}

/** Words of `text` (lower-cased letter runs) that are in `words`. */
export function wordHits(text: string, words: readonly string[] = RULE_WORDS): number {
  const set = new Set(words);
  return (text.toLowerCase().match(/[a-z']+/g) ?? []).filter((w) => set.has(w)).length;
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
