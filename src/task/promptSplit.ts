/**
 * Train / validation / test prompt sets disjoint by content. Templated reviews share their
 * first words, so distinct reviews do not give distinct prompts (the issue-15 audit: 185 of 512
 * evaluation prompts were verbatim training prompts), and a prompt that is a word-prefix of
 * another is the same content cut shorter (issue 23: 257 of 309 test prompts of a split by text
 * were a word-prefix of a training prompt or extended one). So prompts are deduplicated by
 * their text, joined into groups by the word-prefix relation (union–find: a prompt and every
 * word-prefix of it that is also a prompt), and each group goes to one set by a hash of its
 * root, its shortest member:
 *
 *   bucket(g) = fnv1a32(root(g)) mod 1000;  train if bucket < 1000·f_train,
 *   validation if < 1000·(f_train + f_validation), else test.
 *
 * No prompt of one set is then a word-prefix of a prompt of another.
 */

const PROMPT_SPLITS = ['train', 'validation', 'test'] as const;
export type PromptSplitName = (typeof PROMPT_SPLITS)[number];
export type PromptSplit = Record<PromptSplitName, string[]>;

/** Shares of the distinct prompts; the test share is what is left. */
export interface SplitFractions {
  train: number;
  validation: number;
}

const DEFAULT_SPLIT_FRACTIONS: SplitFractions = { train: 0.6, validation: 0.2 };

/** FNV-1a over the UTF-16 code units of `text`: a 32-bit unsigned hash. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The set a prompt group belongs to, by the text of its root. */
export function splitOf(
  text: string,
  fractions: SplitFractions = DEFAULT_SPLIT_FRACTIONS,
): PromptSplitName {
  const bucket = fnv1a32(text) % 1000;
  if (bucket < 1000 * fractions.train) return 'train';
  if (bucket < 1000 * (fractions.train + fractions.validation)) return 'validation';
  return 'test';
}

/** The text's words, split on white space. */
const wordsOf = (text: string) => text.split(/\s+/).filter(Boolean);

/** True when `a`'s words are the first words of `b`'s (a word-prefix, or equal). */
export function isWordPrefix(a: string, b: string): boolean {
  const x = wordsOf(a);
  const y = wordsOf(b);
  return x.length <= y.length && x.every((w, i) => w === y[i]);
}

/**
 * Each distinct prompt's group root: the shortest member (then the first in code-unit order)
 * of its component under "is a word-prefix of".
 */
function prefixRoots(distinct: readonly string[]): Map<string, string> {
  const byWords = new Map<string, string>();
  for (const t of distinct) byWords.set(wordsOf(t).join(' '), t);
  const parent = new Map<string, string>(distinct.map((t) => [t, t]));
  const find = (t: string): string => {
    let r = t;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(t, r);
    return r;
  };
  const better = (a: string, b: string) =>
    a.length < b.length || (a.length === b.length && a < b) ? a : b;
  for (const t of distinct) {
    const w = wordsOf(t);
    for (let k = 1; k < w.length; k++) {
      const q = byWords.get(w.slice(0, k).join(' '));
      if (q === undefined) continue;
      const [a, b] = [find(t), find(q)];
      if (a !== b) {
        const root = better(a, b);
        parent.set(a, root);
        parent.set(b, root);
      }
    }
  }
  return new Map(distinct.map((t) => [t, find(t)]));
}

/** Distinct prompts by set, each in order of first appearance; a prefix group in one set. */
export function splitPrompts(
  prompts: readonly string[],
  fractions: SplitFractions = DEFAULT_SPLIT_FRACTIONS,
): PromptSplit {
  const { train, validation } = fractions;
  if (!(train > 0 && validation >= 0 && train + validation < 1)) {
    throw new Error('split fractions need train > 0, validation ≥ 0 and train + validation < 1');
  }
  const distinct = [...new Set(prompts)];
  const roots = prefixRoots(distinct);
  const out: PromptSplit = { train: [], validation: [], test: [] };
  for (const text of distinct) out[splitOf(roots.get(text) ?? text, fractions)].push(text);
  return out;
}
