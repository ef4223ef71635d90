/**
 * A reward model from a few labels: a Bradley–Terry model over word counts,
 * r(y) = Σ_w θ_w · count_w(y), fitted to the labels by P(y_w ≻ y_l) = σ(r(y_w) − r(y_l)) with
 * an L2 penalty (paper eq. 1 with a linear reward). Words equally common in chosen and
 * rejected completions get no gradient, so a few dozen labels are enough to find the words a
 * labeller's taste is about; the weights themselves are the explanation. Plain numbers: no tfjs.
 */
import { textWords } from '../../task/labelRules';

export interface WordRewardOptions {
  /** L2 and L1 penalties on the weights (per pair); L1 zeroes words the labels don't back. */
  l2: number;
  l1: number;
  /**
   * Words the labels favour consistently: in more chosen than rejected completions of at least
   * this many pairs and of none the other way round (0: every word is a feature). Words of the
   * text around a taste ("the", "not") turn up on both sides and drop out.
   */
  minSupport: number;
  /** Full-batch gradient steps and their size. */
  iterations: number;
  lr: number;
}

export const WORD_REWARD_DEFAULTS: Readonly<WordRewardOptions> = {
  l2: 0.01,
  l1: 0,
  // 1, not 2: on validation prompts (results/labelling-validation.json) the worst of three
  // content tastes agreed most at 1; words seen once on the chosen side count.
  minSupport: 1,
  iterations: 300,
  lr: 0.5,
};

export interface WordReward {
  /** θ_w, largest first. */
  weights: { word: string; weight: number }[];
  score(text: string): number;
}

/** Word counts of a text; "!" counts as a word. */
function features(text: string): Map<string, number> {
  const f = new Map<string, number>();
  for (const w of textWords(text)) f.set(w, (f.get(w) ?? 0) + 1);
  const bangs = text.split('!').length - 1;
  if (bangs > 0) f.set('!', bangs);
  return f;
}

/** φ(y_w) − φ(y_l) of one pair, zeros dropped. */
function difference(chosen: string, rejected: string): Map<string, number> {
  const d = features(chosen);
  for (const [w, c] of features(rejected)) d.set(w, (d.get(w) ?? 0) - c);
  for (const [w, c] of d) if (c === 0) d.delete(w);
  return d;
}

/** Words with φ(y_w) > φ(y_l) in ≥ `support` pairs and φ(y_w) < φ(y_l) in none. */
function consistentWords(diffs: readonly Map<string, number>[], support: number): Set<string> {
  const plus = new Map<string, number>();
  const minus = new Set<string>();
  for (const d of diffs) {
    for (const [w, c] of d) {
      if (c > 0) plus.set(w, (plus.get(w) ?? 0) + 1);
      else minus.add(w);
    }
  }
  return new Set([...plus].filter(([w, n]) => n >= support && !minus.has(w)).map(([w]) => w));
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Fits θ to labelled pairs (chosen preferred to rejected) by gradient descent. */
export function fitWordReward(
  pairs: readonly { chosen: string; rejected: string }[],
  opts: WordRewardOptions = WORD_REWARD_DEFAULTS,
): WordReward {
  let diffs = pairs.map((p) => difference(p.chosen, p.rejected));
  if (opts.minSupport > 0) {
    const keep = consistentWords(diffs, opts.minSupport);
    diffs = diffs.map((d) => new Map([...d].filter(([w]) => keep.has(w))));
  }
  const theta = new Map<string, number>();
  const n = Math.max(1, diffs.length);
  for (let it = 0; it < opts.iterations; it++) {
    const grad = new Map<string, number>();
    for (const d of diffs) {
      let m = 0;
      for (const [w, c] of d) m += (theta.get(w) ?? 0) * c;
      // d/dθ of −log σ(m) = −(1 − σ(m)) · (φ_w − φ_l)
      const g = -(1 - sigmoid(m));
      for (const [w, c] of d) grad.set(w, (grad.get(w) ?? 0) + (g * c) / n);
    }
    for (const [w, t] of theta) grad.set(w, (grad.get(w) ?? 0) + opts.l2 * t);
    for (const [w, g] of grad) {
      // Proximal step for the L1 term: soft-threshold towards 0.
      const t = (theta.get(w) ?? 0) - opts.lr * g;
      const shrink = opts.lr * opts.l1;
      theta.set(w, Math.sign(t) * Math.max(0, Math.abs(t) - shrink));
    }
  }
  const weights = [...theta]
    .map(([word, weight]) => ({ word, weight }))
    .filter((w) => w.weight !== 0)
    .sort((a, b) => b.weight - a.weight || a.word.localeCompare(b.word));
  return {
    weights,
    score(text: string): number {
      let r = 0;
      for (const [w, c] of features(text)) r += (theta.get(w) ?? 0) * c;
      return r;
    },
  };
}

/**
 * Pairs a reward labels among k completions per prompt: of the pairs whose rewards differ by
 * more than `minMargin` (a model that knows none of the words is no judge), the one closest in
 * length (tokens), then the widest margin. Matching lengths keeps DPO from learning "longer"
 * or "shorter" from a taste that is about words. Returns indices into each group.
 */
export function rewardPairs(
  groups: readonly { texts: readonly string[]; ids: readonly (readonly number[])[] }[],
  score: (text: string) => number,
  minMargin: number,
): { group: number; chosen: number; rejected: number; margin: number }[] {
  const out: { group: number; chosen: number; rejected: number; margin: number }[] = [];
  groups.forEach((g, group) => {
    const s = g.texts.map(score);
    const len = g.ids.map((t) => t.length);
    let best: { chosen: number; rejected: number; margin: number; gap: number } | null = null;
    for (let i = 0; i < s.length; i++) {
      for (let j = 0; j < s.length; j++) {
        const margin = (s[i] ?? 0) - (s[j] ?? 0);
        if (!(margin > minMargin)) continue;
        const gap = Math.abs((len[i] ?? 0) - (len[j] ?? 0));
        if (!best || gap < best.gap || (gap === best.gap && margin > best.margin)) {
          best = { chosen: i, rejected: j, margin, gap };
        }
      }
    }
    if (best)
      out.push({ group, chosen: best.chosen, rejected: best.rejected, margin: best.margin });
  });
  return out;
}

/**
 * The word reward's accuracy on held-out labels it ranks (equal rewards: it knows none of the
 * words, so it does not judge the pair); NaN when it ranks none.
 */
export function heldOutAccuracy(
  reward: Pick<WordReward, 'score'>,
  held: readonly { chosen: string; rejected: string }[],
): number {
  let right = 0;
  let ranked = 0;
  for (const h of held) {
    const d = reward.score(h.chosen) - reward.score(h.rejected);
    if (d === 0) continue;
    ranked++;
    if (d > 0) right++;
  }
  return ranked === 0 ? Number.NaN : right / ranked;
}

/**
 * Whether DPO should learn through the word reward: it picked pairs, and it ranks the held-out
 * labels it judges as labelled at least this often (a taste that is not about words, such as
 * length, fails here, and DPO trains on the labels alone). Without any, picking suffices.
 */
const WORD_REWARD_MIN_HELD_OUT = 0.7;

export function trustWordReward(heldOutAccuracy: number, picked: number): boolean {
  return picked > 0 && !(heldOutAccuracy < WORD_REWARD_MIN_HELD_OUT);
}

/** k completions of a prompt, text and ids (structurally labelling.ts's CompletionGroup). */
interface Group {
  prompt: string;
  promptIds: number[];
  texts: readonly string[];
  ids: readonly number[][];
}

/** rewardPairs' picks as (chosen, rejected) token ids and texts. */
export function pickedPairs(
  groups: readonly Group[],
  score: (text: string) => number,
  minMargin: number,
): {
  pair: { prompt: number[]; chosen: number[]; rejected: number[] };
  text: { prompt: string; chosen: string; rejected: string };
}[] {
  return rewardPairs(groups, score, minMargin).flatMap(({ group, chosen, rejected }) => {
    const g = groups[group];
    if (!g) return [];
    return [
      {
        pair: { prompt: g.promptIds, chosen: g.ids[chosen] ?? [], rejected: g.ids[rejected] ?? [] },
        text: {
          prompt: g.prompt,
          chosen: g.texts[chosen] ?? '',
          rejected: g.texts[rejected] ?? '',
        },
      },
    ];
  });
}
