/**
 * The Best-of-N baseline (paper Fig. 2): for each held-out prompt sample N completions from
 * π_ref, keep the one `select` ranks highest (the ground truth as an oracle, or the learned
 * RM), and report the mean ground-truth reward of the kept ones at the analytic KL bound.
 * One frontier point per N; every N reuses the first N of the same maxN samples.
 */
import { generate, plainSampling } from '../../model/generate';
import type { GPT } from '../../model/gpt';
import { bestOfN, bestOfNKl } from '../../objectives/bestOfN';
import type { RewardFunction, RewardQuery, TokenizedPrompt } from './rewardFunction';

export interface BestOfNOptions {
  /** The N of each point, e.g. [1, 2, 4, 8, 16]. */
  ns: number[];
  maxNewTokens: number;
  temperature: number;
  seed: number;
  eotId: number;
  padId?: number;
  decode: (ids: number[]) => string;
  /** Ranks each prompt's candidates. */
  select: RewardFunction;
  /** The reported reward r*(x, y). */
  groundTruth: RewardFunction;
  /** Rows per generate call (default 64). */
  rowsPerBatch?: number;
}

interface BestOfNPoint {
  n: number;
  /** log n − (n − 1)/n: an upper bound on KL(π_BoN ‖ π_ref), in nats per sequence. */
  kl: number;
  /** Mean ground-truth reward of the picked completions. */
  reward: number;
  /** Mean `select` score of the picked completions. */
  selectScore: number;
}

interface BestOfNCandidates {
  prompt: string;
  texts: string[];
  select: number[];
  groundTruth: number[];
}

export interface BestOfNResult {
  points: BestOfNPoint[];
  /** Per prompt, its maxN candidates and their scores. */
  candidates: BestOfNCandidates[];
}

export async function evaluateBestOfN(
  reference: GPT,
  prompts: TokenizedPrompt[],
  opts: BestOfNOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<BestOfNResult> {
  if (prompts.length === 0) throw new Error('no evaluation prompts');
  if (opts.ns.length === 0 || opts.ns.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error('ns must be integers ≥ 1');
  }
  const maxN = Math.max(...opts.ns);
  const perCall = Math.max(1, Math.floor((opts.rowsPerBatch ?? 64) / maxN));
  const candidates: BestOfNCandidates[] = [];
  for (let i = 0; i < prompts.length; i += perCall) {
    const group = prompts.slice(i, i + perCall);
    const rows = group.flatMap((p) => Array.from({ length: maxN }, () => p));
    const g = await generate(
      reference,
      rows.map((p) => p.ids),
      plainSampling({
        temperature: opts.temperature,
        maxNewTokens: opts.maxNewTokens,
        seed: opts.seed + i,
        eotId: opts.eotId,
        ...(opts.padId !== undefined ? { padId: opts.padId } : {}),
      }),
    );
    const queries: RewardQuery[] = rows.map((prompt, k) => {
      const completion = g.tokens[k] ?? [];
      const text = opts.decode(completion.filter((t) => t !== opts.eotId));
      return { prompt, completion, text };
    });
    const [select, truth] = await Promise.all([opts.select(queries), opts.groundTruth(queries)]);
    group.forEach((p, j) => {
      const own = <T>(xs: T[]) => xs.slice(j * maxN, (j + 1) * maxN); // this prompt's rows
      candidates.push({
        prompt: p.text,
        texts: own(queries.map((q) => q.text)),
        select: own(select),
        groundTruth: own(truth),
      });
    });
    onProgress?.(Math.min(prompts.length, i + perCall), prompts.length);
  }
  const points = [...new Set(opts.ns)]
    .sort((a, b) => a - b)
    .map((n): BestOfNPoint => {
      const picked = bestOfN(candidates.map((c) => c.select.slice(0, n)));
      const reward =
        picked.chosenIndex.reduce(
          (s, j, i) => s + (candidates[i]?.groundTruth[j] ?? Number.NaN),
          0,
        ) / candidates.length;
      return { n, kl: bestOfNKl(n), reward, selectScore: picked.meanReward };
    });
  return { points, candidates };
}
