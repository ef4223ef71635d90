/**
 * DPO on the closed-form problem (`problem.ts`) with a tabular policy: one logit per prompt
 * and completion, trained with the project's own DPO loss (`preferenceLoss`, type 'sigmoid')
 * and Adam, full batch over the weighted ordered pairs. On the population loss its optimum is
 * exactly π* of Eq. 4; on sampled pairs it estimates π* with the pairs' sampling error.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_LOSS, preferenceLoss } from '../../objectives/losses';
import { setLearningRate } from '../optim';
import {
  type ClosedFormProblem,
  type ClosedFormResult,
  type ClosedFormTracePoint,
  closedFormOptimum,
  closedFormProblem,
  klDivergence,
  type PairWeights,
  populationPairWeights,
  sampledPairWeights,
  softmax,
  totalVariation,
} from './problem';

export interface TabularDpoConfig {
  beta: number;
  /** Full-batch Adam updates. */
  steps: number;
  /** Peak rate, cosine-decayed to 0 so the last steps settle on the optimum. */
  lr: number;
  /** Read π_θ back every this many steps (a sync point); step 0 and the last step always. */
  logEvery: number;
}

export const DEFAULT_TABULAR: Omit<TabularDpoConfig, 'beta'> = {
  steps: 400, // the population loss is at TV < 1e-6 from π* by step 300 at every β
  lr: 0.1,
  logEvery: 20,
};

/** The cells of `weights` with weight > 0, as indices into the flattened [P·K] logits. */
function orderedPairs(weights: PairWeights, K: number) {
  const chosen: number[] = [];
  const rejected: number[] = [];
  const w: number[] = [];
  weights.forEach((rows, x) => {
    rows.forEach((row, i) => {
      row.forEach((v, j) => {
        if (v <= 0) return;
        chosen.push(x * K + i);
        rejected.push(x * K + j);
        w.push(v);
      });
    });
  });
  return { chosen, rejected, w };
}

/**
 * Trains π_θ(·|x) = softmax(θ[x]) from θ = π_ref's logits on the pairs of `weights`; calls
 * `onLog(step, probs)` with π_θ [P][K] at each logged step and returns the last.
 */
export async function trainTabularDpo(
  problem: ClosedFormProblem,
  weights: PairWeights,
  cfg: TabularDpoConfig,
  onLog: (step: number, probs: number[][]) => void = () => {},
): Promise<number[][]> {
  const P = problem.prompts.length;
  const K = problem.completions.length;
  const pairs = orderedPairs(weights, K);
  const M = pairs.w.length;
  const lossCfg = {
    ...DEFAULT_LOSS,
    type: 'sigmoid' as const,
    beta: cfg.beta,
    reduction: 'sum' as const,
  };
  const refLogp = problem.refLogits.flatMap((l) => softmax(l).map(Math.log)); // [P·K]
  const init = tf.tensor2d(problem.refLogits); // [P, K]
  const theta = tf.variable(init, true); // [P, K], π_θ starts at π_ref
  init.dispose(); // the variable holds its own reference to the data
  const [chosenIdx, rejectedIdx] = [
    tf.tensor1d(pairs.chosen, 'int32'),
    tf.tensor1d(pairs.rejected, 'int32'),
  ]; // [M]
  const consts = tf.tidy(() => {
    const ref = tf.tensor1d(refLogp); // [P·K]
    // Selection as a matMul with one-hot rows, not a gather: gather's gradient
    // (UnsortedSegmentSum) has no WASM kernel, and the browser may run on WASM.
    const oneHot = (idx: tf.Tensor1D) => tf.cast(tf.oneHot(idx, P * K), 'float32') as tf.Tensor2D;
    return {
      selChosen: tf.keep(oneHot(chosenIdx)), // [M, P·K]
      selRejected: tf.keep(oneHot(rejectedIdx)), // [M, P·K]
      refChosen: tf.keep(tf.gather(ref, chosenIdx)) as tf.Tensor1D, // [M]
      refRejected: tf.keep(tf.gather(ref, rejectedIdx)) as tf.Tensor1D, // [M]
      count: tf.keep(tf.ones([M])) as tf.Tensor1D, // [M] one token per completion
      w: tf.keep(tf.tensor1d(pairs.w)), // [M], Σ = 1
    };
  });
  const opt = tf.train.adam(cfg.lr);
  const read = async (step: number) => {
    const probs = tf.tidy(() => tf.softmax(theta)); // [P, K]
    const flat = await probs.data();
    probs.dispose();
    const rows = Array.from({ length: P }, (_, x) => Array.from(flat.slice(x * K, (x + 1) * K)));
    onLog(step, rows);
    return rows;
  };
  try {
    let last = await read(0);
    for (let step = 1; step <= cfg.steps; step++) {
      setLearningRate(opt, 0.5 * cfg.lr * (1 + Math.cos((Math.PI * (step - 1)) / cfg.steps)));
      tf.tidy(() => {
        opt.minimize(
          () => {
            const logp = tf.reshape(tf.logSoftmax(theta), [P * K, 1]); // [P·K, 1] log π_θ
            const pick = (sel: tf.Tensor2D) => tf.reshape(tf.matMul(sel, logp), [M]) as tf.Tensor1D;
            const { losses } = preferenceLoss(
              {
                policyChosen: { sum: pick(consts.selChosen), count: consts.count },
                policyRejected: { sum: pick(consts.selRejected), count: consts.count },
                refChosen: { sum: consts.refChosen, count: consts.count },
                refRejected: { sum: consts.refRejected, count: consts.count },
              },
              lossCfg,
            ); // [M]
            return tf.sum(tf.mul(losses, consts.w)) as tf.Scalar; // the weighted mean loss
          },
          false,
          [theta],
        );
      });
      if (step % cfg.logEvery === 0 || step === cfg.steps) last = await read(step);
    }
    return last;
  } finally {
    opt.dispose();
    theta.dispose();
    tf.dispose([
      chosenIdx,
      rejectedIdx,
      consts.selChosen,
      consts.selRejected,
      consts.refChosen,
      consts.refRejected,
      consts.count,
      consts.w,
    ]);
  }
}

/** Sampling is O(n) in JS, training O(K²) whatever n: this only bounds the sampling. */
const MAX_PAIRS_PER_PROMPT = 1_000_000;

export interface ClosedFormOptions {
  beta: number;
  /** Seeds π_ref's logits and the pairs' stream. */
  seed: number;
  pairsPerPrompt: number;
  training?: Partial<Omit<TabularDpoConfig, 'beta'>>;
}

/**
 * Eq. 4 summed exactly, then DPO trained twice from π_ref: on the population loss and on
 * `pairsPerPrompt` sampled pairs per prompt; the distances to π* of both, over the steps.
 */
export async function runClosedForm(opts: ClosedFormOptions): Promise<ClosedFormResult> {
  const n = opts.pairsPerPrompt;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAIRS_PER_PROMPT) {
    throw new Error(`pairsPerPrompt must be an integer in [1, ${MAX_PAIRS_PER_PROMPT}]`);
  }
  const cfg: TabularDpoConfig = { ...DEFAULT_TABULAR, ...opts.training, beta: opts.beta };
  const problem = closedFormProblem(opts.seed);
  const refs = problem.refLogits.map(softmax);
  const optima = refs.map((ref, x) => closedFormOptimum(ref, problem.rewards[x] ?? [], cfg.beta));
  const worstAgainst = (probs: number[][], d: typeof totalVariation) =>
    Math.max(...probs.map((p, x) => d(optima[x]?.probs ?? [], p)));

  const trace = new Map<number, ClosedFormTracePoint>();
  const point = (step: number) => {
    const p = trace.get(step) ?? { step, tv: 0, kl: 0, populationTv: 0, populationKl: 0 };
    trace.set(step, p);
    return p;
  };
  const population = await trainTabularDpo(
    problem,
    populationPairWeights(problem),
    cfg,
    (s, probs) => {
      const p = point(s);
      p.populationTv = worstAgainst(probs, totalVariation);
      p.populationKl = worstAgainst(probs, klDivergence);
    },
  );
  const sampled = sampledPairWeights(problem, opts.pairsPerPrompt, opts.seed);
  const policy = await trainTabularDpo(problem, sampled, cfg, (s, probs) => {
    const p = point(s);
    p.tv = worstAgainst(probs, totalVariation);
    p.kl = worstAgainst(probs, klDivergence);
  });

  return {
    beta: cfg.beta,
    seed: opts.seed,
    pairsPerPrompt: opts.pairsPerPrompt,
    steps: cfg.steps,
    completions: problem.completions,
    trace: [...trace.values()].sort((a, b) => a.step - b.step),
    prompts: problem.prompts.map((prompt, x) => {
      const ref = refs[x] ?? [];
      const { probs: optimum, logZ } = optima[x] ?? { probs: [], logZ: Number.NaN };
      const pol = policy[x] ?? [];
      const pop = population[x] ?? [];
      return {
        prompt,
        rewards: problem.rewards[x] ?? [],
        ref,
        optimum,
        logZ,
        policy: pol,
        population: pop,
        tv: totalVariation(optimum, pol),
        kl: klDivergence(optimum, pol),
        populationTv: totalVariation(optimum, pop),
        populationKl: klDivergence(optimum, pop),
        klOptimumRef: klDivergence(optimum, ref),
      };
    }),
  };
}
