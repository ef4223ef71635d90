/**
 * Which pair to show the labeller next. A label teaches DPO (and the word reward fitted to the
 * labels) only about the words in which its two completions differ, and a few dozen labels
 * cover few of the words a taste about content is spread over. "New words first" shows, of the
 * pairs sampled and not yet shown, the one whose completions differ in the most words no shown
 * pair has differed in yet: the same number of labels then covers more of the vocabulary. It
 * knows nothing of the taste (it reads only the two texts), so it favours no answer.
 *
 * Measured (docs/labelling.md): on validation prompts the word reward fitted to 48 labels
 * ranked more held-out pairs right for the praise and acting tastes in every seed; DPO's
 * agreement on the test round did not follow, so a session starts as sampled and this is a
 * choice to try. Plain data, no tfjs: the worker's label session and the scripted experiment
 * (tasteExperiment.ts) choose with the same functions.
 */
import { textWords } from '../../task/labelRules';

export const PAIR_ORDERS = ['sampled', 'new-words'] as const;
export type PairOrder = (typeof PAIR_ORDERS)[number];

/** The order a session starts in (docs/labelling.md gives the measurements behind it). */
export const DEFAULT_PAIR_ORDER: PairOrder = 'sampled';

export const PAIR_ORDER_LABELS: Readonly<Record<PairOrder, string>> = {
  'new-words': 'new words first',
  sampled: 'as sampled',
};

/** Pairs sampled at once (one generate call of 2 × SAMPLE_BATCH rows). */
export const SAMPLE_BATCH = 8;

/**
 * Candidates to choose among: 'new-words' samples another batch whenever fewer than this many
 * are waiting, so each choice is made among 16–23 pairs; the pairs never chosen are not shown.
 */
const CHOICE_POOL = 16;

/** Whether to sample another batch before choosing, with `queued` pairs waiting. */
export function wantsMore(queued: number, order: PairOrder): boolean {
  return order === 'new-words' ? queued < CHOICE_POOL : queued === 0;
}

/** Words in one completion and not in the other (lower-cased letter runs, labelRules.ts). */
export function differingWords(a: string, b: string): string[] {
  const wa = new Set(textWords(a));
  const wb = new Set(textWords(b));
  return [...wa].filter((w) => !wb.has(w)).concat([...wb].filter((w) => !wa.has(w)));
}

/** The words shown pairs have differed in (ties and skips count: the labeller saw them). */
export function seenWords(shown: readonly { a: string; b: string }[]): Set<string> {
  const seen = new Set<string>();
  for (const p of shown) for (const w of differingWords(p.a, p.b)) seen.add(w);
  return seen;
}

/**
 * Index of the pair to show: 'sampled' takes the first; 'new-words' the one differing in the
 * most words not in `seen` (the earliest sampled of equals). −1 for no candidates.
 */
export function choosePair(
  candidates: readonly { a: string; b: string }[],
  seen: ReadonlySet<string>,
  order: PairOrder,
): number {
  if (candidates.length === 0) return -1;
  if (order === 'sampled') return 0;
  let best = 0;
  let bestNew = -1;
  candidates.forEach((c, i) => {
    const fresh = differingWords(c.a, c.b).filter((w) => !seen.has(w)).length;
    if (fresh > bestNew) {
      best = i;
      bestNew = fresh;
    }
  });
  return best;
}
