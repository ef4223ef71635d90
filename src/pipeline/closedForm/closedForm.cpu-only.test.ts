import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLOSED_FORM_BETAS,
  closedFormOptimum,
  closedFormProblem,
  closedFormReading,
  klDivergence,
  nearestAnswer,
  populationPairWeights,
  sampledPairWeights,
  sigmoid,
  softmax,
  totalVariation,
  worst,
} from './problem';
import { DEFAULT_TABULAR, runClosedForm, trainTabularDpo } from './train';

const problem = closedFormProblem(1);
const refs = problem.refLogits.map(softmax);
const optimum = (beta: number, x: number) =>
  closedFormOptimum(refs[x] ?? [], problem.rewards[x] ?? [], beta).probs;

describe('the closed form of Eq. 4', () => {
  it('sums Z by hand for three tokens', () => {
    // π_ref = [0.5, 0.3, 0.2], r = [1, 0, 0.5], β = 0.5:
    // Z = 0.5·e² + 0.3·e⁰ + 0.2·e¹ = 3.694528 + 0.3 + 0.543656 = 4.538184.
    const { probs, logZ } = closedFormOptimum([0.5, 0.3, 0.2], [1, 0, 0.5], 0.5);
    expect(Math.exp(logZ)).toBeCloseTo(4.538184, 5);
    expect(probs[0]).toBeCloseTo(3.694528 / 4.538184, 6);
    expect(probs[1]).toBeCloseTo(0.3 / 4.538184, 6);
    expect(probs[2]).toBeCloseTo(0.543656 / 4.538184, 6);
  });

  it('builds the problem from the task: "not" reverses the reward, π_ref is a softmax', () => {
    expect(problem.completions).toHaveLength(8);
    const film = problem.rewards[0] ?? [];
    const notActing = problem.rewards[1] ?? [];
    expect(film[0]).toBeGreaterThan(0.8); // "The film was superb"
    expect(notActing[0]).toBeLessThan(0.2); // "The acting was not superb"
    for (const r of refs) expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(closedFormProblem(1)).toEqual(problem);
    expect(closedFormProblem(2).refLogits).not.toEqual(problem.refLogits);
  });

  it('weights the ordered pairs as Bradley–Terry over π_ref × π_ref; samples agree', () => {
    const pop = populationPairWeights(problem);
    const sampled = sampledPairWeights(problem, 200_000, 7);
    const P = problem.prompts.length;
    for (const w of [pop, sampled]) {
      for (const rows of w) expect(rows.flat().reduce((a, b) => a + b, 0)).toBeCloseTo(1 / P, 9);
    }
    // P(superb ≻ awful | superb vs awful) = σ(r_superb − r_awful), in both.
    const r = problem.rewards[0] ?? [];
    const winRate = (w: number[][]) => {
      const a = w[0]?.[7] ?? 0;
      const b = w[7]?.[0] ?? 0;
      return a / (a + b);
    };
    const bt = sigmoid((r[0] ?? 0) - (r[7] ?? 0));
    expect(winRate(pop[0] ?? [])).toBeCloseTo(bt, 9);
    expect(Math.abs(winRate(sampled[0] ?? []) - bt)).toBeLessThan(0.03);
  });
});

describe('DPO with a tabular policy reaches π_ref·e^{r/β}/Z', () => {
  // π_θ trained on the population loss, per β: [P][K].
  const learned = new Map<number, number[][]>();
  beforeAll(async () => {
    for (const beta of CLOSED_FORM_BETAS) {
      const w = populationPairWeights(problem);
      learned.set(beta, await trainTabularDpo(problem, w, { ...DEFAULT_TABULAR, beta }));
    }
  });

  it.each(CLOSED_FORM_BETAS)('on the population loss at β = %s, to TV < 1e-5', (beta) => {
    const policy = learned.get(beta) ?? [];
    problem.prompts.forEach((_, x) => {
      const star = optimum(beta, x);
      const p = policy[x] ?? [];
      // Measured ≤ 3e-7 (float32); π_ref is TV 0.05–0.66 away.
      expect(totalVariation(star, p)).toBeLessThan(1e-5);
      expect(klDivergence(star, p)).toBeLessThan(1e-7);
      expect(totalVariation(star, refs[x] ?? [])).toBeGreaterThan(0.01);
    });
  });

  it('a larger β keeps π* and π_θ nearer π_ref', () => {
    problem.prompts.forEach((_, x) => {
      const ref = refs[x] ?? [];
      const klStar = CLOSED_FORM_BETAS.map((b) => klDivergence(optimum(b, x), ref));
      const klTheta = CLOSED_FORM_BETAS.map((b) => klDivergence(learned.get(b)?.[x] ?? [], ref));
      for (const kl of [klStar, klTheta]) {
        for (let i = 1; i < kl.length; i++) expect(kl[i]).toBeLessThan(kl[i - 1] ?? 0);
      }
    });
  });

  it.each([1, 2, 3])(
    'on sampled pairs (seed %s, β = 0.5): TV < 0.03 at 100,000 pairs, 3× nearer than at 1,000',
    async (seed) => {
      const p = closedFormProblem(seed);
      const worstTv = async (n: number) => {
        const policy = await trainTabularDpo(p, sampledPairWeights(p, n, seed), {
          ...DEFAULT_TABULAR,
          beta: 0.5,
        });
        return Math.max(
          ...p.refLogits.map((l, x) => {
            const star = closedFormOptimum(softmax(l), p.rewards[x] ?? [], 0.5).probs;
            return totalVariation(star, policy[x] ?? []);
          }),
        );
      };
      const [few, many] = [await worstTv(1_000), await worstTv(100_000)];
      // Measured at 100,000: 0.011 / 0.006 / 0.01 (seeds 1–3); at 1,000 ≈ 0.1.
      expect(many).toBeLessThan(0.03);
      expect(many).toBeLessThan(few / 3);
    },
  );

  it('reports both runs, their traces and a reading, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const r = await runClosedForm({ beta: 0.1, seed: 1, pairsPerPrompt: 100_000 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.prompts).toHaveLength(3);
    expect(r.trace[0]?.step).toBe(0);
    expect(r.trace.at(-1)?.step).toBe(DEFAULT_TABULAR.steps);
    // Step 0 is π_ref itself; training closes the gap.
    expect(r.trace[0]?.populationTv).toBeCloseTo(
      Math.max(...r.prompts.map((p) => totalVariation(p.optimum, p.ref))),
      5,
    );
    for (const p of r.prompts) {
      expect(p.populationTv).toBeLessThan(1e-5);
      expect(p.tv).toBeLessThan(0.1); // measured 0.029 at β = 0.1
      expect(Math.exp(p.logZ)).toBeCloseTo(
        p.ref.reduce((s, q, i) => s + q * Math.exp((p.rewards[i] ?? 0) / 0.1), 0),
        3,
      );
    }
    expect(nearestAnswer(r)).toBe('closed-form');
    expect(closedFormReading(r)).toMatch(/within TV 0\.0\d\d .* of π_ref·e\^\{r\/β\}\/Z/);
  });
});

// The browser may train it on WASM: every kernel it needs, gradients included, must exist there.
describe('on the WASM backend (the browser without WebGPU)', () => {
  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('trains and lands near π* as on the CPU', async () => {
    const r = await runClosedForm({ beta: 0.5, seed: 1, pairsPerPrompt: 100_000 });
    expect(tf.getBackend()).toBe('wasm');
    expect(worst(r, 'populationTv')).toBeLessThan(1e-5);
    expect(worst(r, 'tv')).toBeLessThan(0.03);
  });
});
