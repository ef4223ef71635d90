/**
 * Evaluation on the sentiment task (paper Fig. 2): sample completions of held-out prompts
 * from π_θ, score them with the ground-truth reward, and measure KL(π_θ ‖ π_ref).
 */
import * as tf from '@tensorflow/tfjs';
import { type GenerateOptions, generate } from '../model/generate';
import type { GPT } from '../model/gpt';
import { nextTokenKl } from '../objectives/kl';
import { tokenLogProbs } from '../objectives/logprobs';
import { fluency } from '../task/fluency';
import { collateSequences } from './collate';
import { batchTensors } from './train/tensors';

interface EvaluatedSample {
  prompt: number[];
  /** Completion ids (ending with end-of-text where the sample stopped). */
  tokens: number[];
  /** log π_θ(y_t | ·) and log π_ref(y_t | ·) per completion token, at the sampling temperature. */
  policyLogps: number[];
  refLogps: number[];
  /**
   * Σ_t KL(π_θ(·|y_<t) ‖ π_ref(·|y_<t)) over the completion: exact, per token, summed; both
   * distributions at the temperature the sample was drawn at.
   */
  kl: number;
  text: string;
  reward: number;
  /** The sample hit the token limit instead of ending: its last word may be cut. */
  cut: boolean;
}

export interface EvalResult {
  /** Mean ground-truth reward of the samples. */
  reward: number;
  /** Mean over samples of the exact sequence KL(π_θ ‖ π_ref) (summed per-token KL). */
  kl: number;
  /** Mean over samples of Σ_t [log π_θ(y_t) − log π_ref(y_t)]: the sample estimate. */
  klSample: number;
  /** Share of the samples' words in the task's corpus vocabulary (task/fluency.ts). */
  fluency: number;
  samples: EvaluatedSample[];
}

export interface EvalOptions {
  generation: GenerateOptions;
  padId: number;
  decode: (ids: number[]) => string;
  /** r*(x, y): the completion scored in the context of its prompt (decoded). */
  reward: (completion: string, prompt: string) => number;
}

/**
 * Per completion token of each row: log π_θ, log π_ref of the token, and the exact KL of
 * the two next-token distributions. rows [N] → three ragged arrays.
 */
export async function compareModels(
  policy: GPT,
  reference: GPT,
  rows: { prompt: number[]; completion: number[] }[],
  padId: number,
  temperature = 1,
): Promise<{ policyLogps: number[][]; refLogps: number[][]; kl: number[][] }> {
  const batch = collateSequences(rows, padId);
  const t = batchTensors(batch);
  const [lpP, lpR, klT] = tf.tidy(() => {
    // At the sampling temperature: the samples come from softmax(z / T) (objectives/kl.ts).
    const scaled = (z: tf.Tensor) =>
      (temperature === 1 ? z : tf.div(z, temperature)) as tf.Tensor3D; // [N, T, V]
    const logitsP = scaled(policy.forward(t.ids, { attentionMask: t.attentionMask })); // [N, T, V]
    const logitsR = scaled(reference.forward(t.ids, { attentionMask: t.attentionMask }));
    const kl = nextTokenKl(logitsP, logitsR); // [N, T−1]
    return [tokenLogProbs(logitsP, t.ids), tokenLogProbs(logitsR, t.ids), kl];
  });
  const [p, r, k] = await Promise.all([lpP.data(), lpR.data(), klT.data()]);
  tf.dispose([lpP, lpR, klT, t.ids, t.attentionMask, t.completionMask]);
  const T1 = batch.length - 1;
  // Completion token j of row i is target position prompt.length − 1 + j.
  const pick = (src: ArrayLike<number>) =>
    rows.map((row, i) =>
      row.completion.map((_, j) => src[i * T1 + row.prompt.length - 1 + j] ?? Number.NaN),
    );
  return { policyLogps: pick(p), refLogps: pick(r), kl: pick(k) };
}

export async function evaluatePolicy(
  policy: GPT,
  reference: GPT,
  prompts: number[][],
  opts: EvalOptions,
): Promise<EvalResult> {
  const g = await generate(policy, prompts, opts.generation);
  const rows = prompts.map((prompt, i) => ({ prompt, completion: g.tokens[i] ?? [] }));
  const c = await compareModels(policy, reference, rows, opts.padId, opts.generation.temperature);
  const samples = rows.map((row, i): EvaluatedSample => {
    const text = opts.decode(row.completion.filter((id) => id !== opts.generation.eotId));
    return {
      prompt: row.prompt,
      tokens: row.completion,
      policyLogps: c.policyLogps[i] ?? [],
      refLogps: c.refLogps[i] ?? [],
      kl: sum(c.kl[i] ?? []),
      text,
      cut: row.completion.at(-1) !== opts.generation.eotId,
      reward: opts.reward(
        text,
        opts.decode(row.prompt.filter((id) => id !== opts.generation.eotId)),
      ),
    };
  });
  const mean = (xs: number[]) => (xs.length ? sum(xs) / xs.length : Number.NaN);
  return {
    reward: mean(samples.map((s) => s.reward)),
    kl: mean(samples.map((s) => s.kl)),
    klSample: mean(samples.map((s) => sum(s.policyLogps) - sum(s.refLogps))),
    fluency: fluency(samples),
    samples,
  };
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
