/**
 * The tfjs side of the labelling mode ("you are the reward model"): two completions of a
 * prompt for the learner to compare, the summed log-probs under π_θ and π_ref that agreement
 * needs, and π_ref's and π_θ's samples on fresh prompts for "what changed".
 */
import { generate, plainSampling } from '../../model/generate';
import type { GPT } from '../../model/gpt';
import type { PairLogps } from '../../objectives/agreement';
import { risingWords, textStats, type WhatChanged } from '../../task/textStats';
import type { TokenizedPair } from '../collate';
import { evaluatePolicy } from '../evaluate';
import { precomputeReference } from '../preferenceTrainer';

export interface LabelTokenizer {
  eot: number;
  encode(text: string): number[];
  decode(ids: number[]): string;
  tokenText(id: number): string;
}

/** Sampling of completions (the run's generation settings). */
export interface LabelGeneration {
  temperature: number;
  maxNewTokens: number;
}

/** Two completions of one prompt, not yet labelled; ids as the pipeline trains on them. */
export interface PairCandidate {
  prompt: string;
  /** [eot, ...prompt ids]: the built-in task's convention. */
  promptIds: number[];
  a: string;
  b: string;
  /** Completion ids, ending with end-of-text where the model stopped. */
  aIds: number[];
  bIds: number[];
}

/** `k` completions of one prompt, ids as the pipeline trains on them. */
export interface CompletionGroup {
  prompt: string;
  /** [eot, ...prompt ids]. */
  promptIds: number[];
  texts: string[];
  /** Completion ids, ending with end-of-text where the model stopped. */
  ids: number[][];
}

/** `k` samples of each prompt from `model`, in one batch of k·prompts rows. */
export async function sampleGroups(
  model: GPT,
  tokenizer: LabelTokenizer,
  prompts: readonly string[],
  k: number,
  gen: LabelGeneration,
  seed: number,
): Promise<CompletionGroup[]> {
  const ids = prompts.map((p) => [tokenizer.eot, ...tokenizer.encode(p)]);
  const batch = ids.flatMap((p) => Array.from({ length: k }, () => p));
  const g = await generate(
    model,
    batch,
    plainSampling({
      temperature: gen.temperature,
      maxNewTokens: gen.maxNewTokens,
      seed,
      eotId: tokenizer.eot,
    }),
  );
  const text = (t: number[]) => tokenizer.decode(t.filter((id) => id !== tokenizer.eot));
  return prompts.map((prompt, i) => {
    const rows = Array.from({ length: k }, (_, j) => g.tokens[k * i + j] ?? []);
    return { prompt, promptIds: ids[i] ?? [], texts: rows.map(text), ids: rows };
  });
}

/** Two samples of each prompt from `model`, in one batch of 2·prompts rows. */
export async function sampleCandidates(
  model: GPT,
  tokenizer: LabelTokenizer,
  prompts: readonly string[],
  gen: LabelGeneration,
  seed: number,
): Promise<PairCandidate[]> {
  const groups = await sampleGroups(model, tokenizer, prompts, 2, gen, seed);
  return groups.map((g) => ({
    prompt: g.prompt,
    promptIds: g.promptIds,
    a: g.texts[0] ?? '',
    b: g.texts[1] ?? '',
    aIds: g.ids[0] ?? [],
    bIds: g.ids[1] ?? [],
  }));
}

/** Summed completion log-probs of each pair's chosen and rejected under π_θ and π_ref. */
export async function pairLogps(
  policy: GPT,
  reference: GPT,
  pairs: TokenizedPair[],
  padId: number,
): Promise<PairLogps[]> {
  const collate = { padId, maxLength: policy.config.blockSize };
  const p = await precomputeReference(policy, pairs, collate, 16);
  const r = await precomputeReference(reference, pairs, collate, 16);
  return pairs.map((_, i) => ({
    policyChosen: p[i]?.chosen ?? Number.NaN,
    policyRejected: p[i]?.rejected ?? Number.NaN,
    refChosen: r[i]?.chosen ?? Number.NaN,
    refRejected: r[i]?.rejected ?? Number.NaN,
  }));
}

/**
 * π_ref's and π_θ's samples of the same fresh prompts (same seed), their statistics, the
 * words whose log-ratio rose most in π_θ's samples, and a few examples side by side.
 */
export async function measureWhatChanged(
  policy: GPT,
  reference: GPT,
  tokenizer: LabelTokenizer,
  prompts: readonly string[],
  gen: LabelGeneration & { seed: number },
  reward: (completion: string, prompt: string) => number,
  step: number,
  examples = 6,
): Promise<WhatChanged> {
  const ids = prompts.map((p) => [tokenizer.eot, ...tokenizer.encode(p)]);
  const opts = {
    generation: plainSampling({
      temperature: gen.temperature,
      maxNewTokens: gen.maxNewTokens,
      seed: gen.seed,
      eotId: tokenizer.eot,
    }),
    padId: tokenizer.eot,
    decode: (t: number[]) => tokenizer.decode(t),
    reward,
  };
  const ref = await evaluatePolicy(reference, reference, ids, opts);
  const pol = await evaluatePolicy(policy, reference, ids, opts);
  const stat = (s: { text: string; tokens: number[]; reward: number }) => ({
    text: s.text,
    tokens: s.tokens.filter((t) => t !== tokenizer.eot).length,
    reward: s.reward,
  });
  return {
    step,
    ref: textStats(ref.samples.map(stat)),
    policy: textStats(pol.samples.map(stat)),
    rising: risingWords(
      pol.samples.map((s) => {
        // End-of-text is no word: its log-ratio says how often π_θ stops, not what it says.
        const keep = s.tokens.map((t) => t !== tokenizer.eot);
        return {
          tokenTexts: s.tokens.filter((_, i) => keep[i]).map((t) => tokenizer.tokenText(t)),
          policyLogps: s.policyLogps.filter((_, i) => keep[i]),
          refLogps: s.refLogps.filter((_, i) => keep[i]),
        };
      }),
    ),
    examples: prompts.slice(0, examples).map((prompt, i) => ({
      prompt,
      ref: ref.samples[i]?.text ?? '',
      policy: pol.samples[i]?.text ?? '',
      refReward: ref.samples[i]?.reward ?? Number.NaN,
      reward: pol.samples[i]?.reward ?? Number.NaN,
    })),
  };
}
