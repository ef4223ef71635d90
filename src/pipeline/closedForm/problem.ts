/**
 * The closed-form optimum of the KL-constrained reward maximisation (DPO paper §4, Eq. 4),
 *
 *   π*(y|x) = π_ref(y|x)·exp(r(x,y)/β) / Z(x),   Z(x) = Σ_y π_ref(y|x)·exp(r(x,y)/β),
 *
 * on a problem small enough to sum Z(x) exactly: one-word completions over a fixed list of
 * words, a few prompts, the task's ground-truth sentiment reward. Plain numbers, no tfjs: the
 * UI reads results with these helpers too; the training is in `train.ts`.
 */
import { mulberry32 } from '../../model/rng';
import { groundTruthReward } from '../../task/reward';

/** The closed-form card's id in a link (`?experiment=closed-form`), beside the guided ones. */
export const CLOSED_FORM_ID = 'closed-form';

/** The completions: one word each, from very positive to very negative under r*. */
const CLOSED_FORM_WORDS = [
  'superb',
  'great',
  'fine',
  'okay',
  'slow',
  'dull',
  'bad',
  'awful',
] as const;

/** "was not" negates the word: the same words, the reward reversed, so π* depends on x. */
const CLOSED_FORM_PROMPTS = [
  'The film was',
  'The acting was not',
  'Honestly, the ending felt',
] as const;

/** The β values the panel offers (the paper's default, the summarisation one, a large one). */
export const CLOSED_FORM_BETAS = [0.1, 0.5, 2] as const;

export interface ClosedFormProblem {
  prompts: string[];
  /** [K] the completions, shared by every prompt. */
  completions: string[];
  /** [P][K] logits of π_ref(·|x): a fixed softmax drawn from the seed. */
  refLogits: number[][];
  /** [P][K] r*(x, y) ∈ (0, 1), the ground-truth reward of the word after the prompt. */
  rewards: number[][];
}

/** A standard normal from two uniforms (Box–Muller). */
function normal(rand: () => number): number {
  const u = Math.max(rand(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** The toy problem of `seed`: π_ref's logits ~ N(0, 1) per prompt, r* from the task. */
export function closedFormProblem(seed: number): ClosedFormProblem {
  const rand = mulberry32(seed);
  const prompts = [...CLOSED_FORM_PROMPTS];
  const completions = [...CLOSED_FORM_WORDS];
  return {
    prompts,
    completions,
    refLogits: prompts.map(() => completions.map(() => normal(rand))),
    rewards: prompts.map((x) => completions.map((w) => groundTruthReward(` ${w}`, x))),
  };
}

export function softmax(logits: readonly number[]): number[] {
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Eq. 4 for one prompt: π* and log Z, summed exactly (in log space, stable for small β). */
export function closedFormOptimum(
  refProbs: readonly number[],
  rewards: readonly number[],
  beta: number,
): { probs: number[]; logZ: number } {
  const logits = refProbs.map((p, i) => Math.log(p) + (rewards[i] ?? 0) / beta);
  const m = Math.max(...logits);
  const logZ = m + Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0));
  return { probs: logits.map((l) => Math.exp(l - logZ)), logZ };
}

/** TV(p, q) = ½ Σ |p − q|. */
export function totalVariation(p: readonly number[], q: readonly number[]): number {
  return 0.5 * p.reduce((s, pi, i) => s + Math.abs(pi - (q[i] ?? 0)), 0);
}

/** KL(p ‖ q) in nats; terms with p = 0 count 0. */
export function klDivergence(p: readonly number[], q: readonly number[]): number {
  return p.reduce((s, pi, i) => (pi > 0 ? s + pi * Math.log(pi / (q[i] ?? 0)) : s), 0);
}

/**
 * [P][K chosen][K rejected] weights of the ordered pairs (y_w, y_l) in a loss: the pair's
 * share of the loss. Each prompt's weights sum to 1/P.
 */
export type PairWeights = number[][][];

/**
 * The population (expected) loss: y1 ≠ y2 drawn from π_ref, y1 chosen with the Bradley–Terry
 * probability σ(r1 − r2) (paper Eq. 1), so w(y_w, y_l) ∝ π_ref(y_w)·π_ref(y_l)·σ(r_w − r_l).
 */
export function populationPairWeights(problem: ClosedFormProblem): PairWeights {
  const P = problem.prompts.length;
  return problem.refLogits.map((logits, x) => {
    const ref = softmax(logits);
    const r = problem.rewards[x] ?? [];
    const w = ref.map((pw, i) =>
      ref.map((pl, j) => (i === j ? 0 : pw * pl * sigmoid((r[i] ?? 0) - (r[j] ?? 0)))),
    );
    const total = w.flat().reduce((a, b) => a + b, 0);
    return w.map((row) => row.map((v) => v / total / P));
  });
}

/** Index drawn from the distribution `probs`. */
function draw(rand: () => number, probs: readonly number[]): number {
  let u = rand();
  for (let i = 0; i < probs.length; i++) {
    u -= probs[i] ?? 0;
    if (u < 0) return i;
  }
  return probs.length - 1;
}

/**
 * `pairsPerPrompt` labelled pairs per prompt, as DPO's data would be: y1 ≠ y2 from π_ref, the
 * label from Bradley–Terry σ(r1 − r2), one seeded stream. Returned as the empirical weights
 * (counts / (n·P)): the mean loss over the pairs is the weighted sum over the cells.
 */
export function sampledPairWeights(
  problem: ClosedFormProblem,
  pairsPerPrompt: number,
  seed: number,
): PairWeights {
  const rand = mulberry32((seed ^ 0x5bd1e995) >>> 0);
  const P = problem.prompts.length;
  return problem.refLogits.map((logits, x) => {
    const ref = softmax(logits);
    const r = problem.rewards[x] ?? [];
    const counts = ref.map(() => ref.map(() => 0));
    for (let n = 0; n < pairsPerPrompt; n++) {
      const a = draw(rand, ref);
      let b = draw(rand, ref);
      while (b === a) b = draw(rand, ref);
      const aWins = rand() < sigmoid((r[a] ?? 0) - (r[b] ?? 0));
      const [w, l] = aWins ? [a, b] : [b, a];
      const row = counts[w];
      if (row) row[l] = (row[l] ?? 0) + 1;
    }
    return counts.map((row) => row.map((c) => c / pairsPerPrompt / P));
  });
}

/** One prompt's distributions over the completions, each [K]. */
export interface ClosedFormPromptResult {
  prompt: string;
  rewards: number[];
  ref: number[];
  /** π* of Eq. 4, and its exact log Z(x). */
  optimum: number[];
  logZ: number;
  /** π_θ trained by DPO on the sampled pairs. */
  policy: number[];
  /** π_θ trained by DPO on the population loss (infinitely many pairs). */
  population: number[];
  /** TV(π*, π_θ) and KL(π* ‖ π_θ) of the sampled-pairs policy, then the population one. */
  tv: number;
  kl: number;
  populationTv: number;
  populationKl: number;
  /** KL(π* ‖ π_ref): how far Eq. 4 moves from the reference at this β. */
  klOptimumRef: number;
}

/** The worst prompt's distances at one logged step. */
export interface ClosedFormTracePoint {
  step: number;
  tv: number;
  kl: number;
  populationTv: number;
  populationKl: number;
}

export interface ClosedFormResult {
  beta: number;
  seed: number;
  pairsPerPrompt: number;
  steps: number;
  completions: string[];
  prompts: ClosedFormPromptResult[];
  trace: ClosedFormTracePoint[];
}

/** The largest of `key` over the prompts (the figures quoted are the worst prompt's). */
export function worst(
  result: ClosedFormResult,
  key: 'tv' | 'kl' | 'populationTv' | 'populationKl' | 'klOptimumRef',
): number {
  return Math.max(...result.prompts.map((p) => p[key]));
}

/** Where π_θ could end: Eq. 4, all mass on the best word, or unmoved. */
export type ClosedFormAnswer = 'closed-form' | 'best-only' | 'reference';

export const CLOSED_FORM_PREDICTIONS: { id: ClosedFormAnswer; text: string }[] = [
  { id: 'closed-form', text: 'At π_ref·e^{r/β}/Z: the reference, reweighted by the reward' },
  { id: 'best-only', text: 'All its probability on the highest-reward word' },
  { id: 'reference', text: 'Near π_ref: pairs only say which is better, not by how much' },
];

/** The candidate the learned π_θ is nearest to, in TV summed over the prompts. */
export function nearestAnswer(result: ClosedFormResult): ClosedFormAnswer {
  const oneHot = (r: number[]) => {
    const best = r.indexOf(Math.max(...r));
    return r.map((_, i) => (i === best ? 1 : 0));
  };
  const candidates: [ClosedFormAnswer, (p: ClosedFormPromptResult) => number[]][] = [
    ['closed-form', (p) => p.optimum],
    ['best-only', (p) => oneHot(p.rewards)],
    ['reference', (p) => p.ref],
  ];
  const distance = (f: (p: ClosedFormPromptResult) => number[]) =>
    result.prompts.reduce((s, p) => s + totalVariation(p.policy, f(p)), 0);
  const scored = candidates.map(([id, f]) => [id, distance(f)] as const);
  scored.sort((a, b) => a[1] - b[1]);
  return scored[0]?.[0] ?? 'closed-form';
}

/** A distance for reading: 0.029, or 3.2e-3 below 0.01. */
export const formatDistance = (v: number): string =>
  v >= 0.01 ? v.toFixed(3) : v.toExponential(1);
const fmt = formatDistance;

/** The first logged step at which the population run was within `tv` of π* on every prompt. */
export function stepWithin(result: ClosedFormResult, tv: number): number | null {
  return result.trace.find((p) => p.populationTv < tv)?.step ?? null;
}

/** The reading under the chart, computed from the result. */
export function closedFormReading(result: ClosedFormResult): string {
  const n = result.pairsPerPrompt.toLocaleString('en');
  return (
    `With ${n} labelled pairs per prompt, DPO's policy is within TV ${fmt(worst(result, 'tv'))} ` +
    `(KL ${fmt(worst(result, 'kl'))} nats) of π_ref·e^{r/β}/Z on every prompt at β = ${result.beta}; ` +
    `trained on the population loss it reaches TV ${fmt(worst(result, 'populationTv'))}, so the ` +
    `rest is the pairs' sampling error. Here π* itself is KL ${fmt(worst(result, 'klOptimumRef'))} ` +
    'nats from π_ref: a larger β keeps it nearer.'
  );
}
