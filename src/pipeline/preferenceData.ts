/**
 * The one preference-data module: pairs sampled from a model and labelled by the ground-truth
 * reward (the paper's Task 1). The playground samples from π_ref for the first (offline) round
 * and from the current π_θ for each later online round (TRL OnlineDPO with the reward function
 * as judge); a frontier sweep samples once from π_ref. Optional seeded label noise swaps a
 * share of them.
 */
import { generate, plainSampling } from '../model/generate';
import type { GPT } from '../model/gpt';
import { flippedIndices, swapSides } from '../task/labelNoise';
import { makePairs } from '../task/preferences';
import type { TokenizedPair } from './collate';
import type { DpoRunSettings } from './settings';
import type { PairPreview } from './views';

/** How pairs are sampled: the playground's `data` settings, a sweep's `data` block. */
export type PairSampling = Pick<
  DpoRunSettings['data'],
  'prompts' | 'completionsPerPrompt' | 'temperature' | 'maxNewTokens' | 'pairing'
> & { labelNoise?: number };

/** The texts of one pair (for the inspector, saving and export). */
export interface PairText {
  prompt: string;
  chosen: string;
  rejected: string;
}

/** Preference pairs ready to train on: token ids (prompt starts with end-of-text) and texts. */
export interface PreferenceData {
  pairs: TokenizedPair[];
  texts: PairText[];
  preview: PairPreview[];
}

/** What sampling needs of the task: prompts, the tokenizer and the reward that labels. */
export interface SamplingTask {
  tokenizer: {
    eot: number;
    encode(text: string): number[];
    decode(ids: number[]): string;
  };
  trainPrompts: string[];
  reward?: (completion: string, prompt: string) => number;
}

/** Generation seeds of round r (1-based): round 1 keeps the offline run's seeds. */
export function roundSeed(seed: number, round: number): number {
  return round <= 1 ? seed : seed + 100_003 * (round - 1);
}

/**
 * Samples K completions per training prompt from `model`, labels pairs with the reward (ties
 * make no pair), then flips round(labelNoise · n) of them (seeded by seed and round; marked
 * `flipped`).
 */
export async function samplePairs(
  model: GPT,
  task: SamplingTask,
  d: PairSampling,
  baseSeed: number,
  round: number,
  onProgress?: (done: number, total: number) => void,
): Promise<PreferenceData> {
  const { tokenizer, reward } = task;
  if (!reward) throw new Error('sampling pairs needs a reward to label them');
  const seed = roundSeed(baseSeed, round);
  const prompts = task.trainPrompts.slice(0, d.prompts);
  const pairs: TokenizedPair[] = [];
  const texts: PairText[] = [];
  const preview: PairPreview[] = [];
  const chunk = Math.max(1, Math.floor(64 / d.completionsPerPrompt));
  for (let i = 0; i < prompts.length; i += chunk) {
    const group = prompts.slice(i, i + chunk);
    const ids = group.map((p) => [tokenizer.eot, ...tokenizer.encode(p)]);
    const batch = ids.flatMap((p) => Array.from({ length: d.completionsPerPrompt }, () => p));
    const g = await generate(
      model,
      batch,
      plainSampling({
        temperature: d.temperature,
        maxNewTokens: d.maxNewTokens,
        seed: seed + i,
        eotId: tokenizer.eot,
      }),
    );
    group.forEach((prompt, j) => {
      const scored = Array.from({ length: d.completionsPerPrompt }, (_, k) => {
        const tokens = g.tokens[j * d.completionsPerPrompt + k] ?? [];
        const text = tokenizer.decode(tokens.filter((t) => t !== tokenizer.eot));
        return { item: { tokens, text }, reward: reward(text, prompt) };
      });
      for (const p of makePairs(scored, d.pairing)) {
        pairs.push({ prompt: ids[j] ?? [], chosen: p.chosen.tokens, rejected: p.rejected.tokens });
        texts.push({ prompt, chosen: p.chosen.text, rejected: p.rejected.text });
        preview.push({
          prompt,
          chosen: p.chosen.text,
          rejected: p.rejected.text,
          chosenReward: p.chosenReward,
          rejectedReward: p.rejectedReward,
          round,
        });
      }
    });
    onProgress?.(Math.min(prompts.length, i + chunk), prompts.length);
  }
  return addLabelNoise({ pairs, texts, preview }, d.labelNoise ?? 0, seed * 7 + 13);
}

/**
 * `data` with exactly round(fraction · n) pairs (a seeded choice) swapped: chosen ↔ rejected
 * in the token ids, the texts and the preview (rewards too, so the table shows the worse
 * completion as "chosen"), each such preview row marked `flipped`.
 */
export function addLabelNoise(
  data: PreferenceData,
  fraction: number,
  seed: number,
): PreferenceData {
  if (fraction === 0) return data;
  const flip = flippedIndices(data.pairs.length, fraction, seed);
  return {
    pairs: data.pairs.map((p, i) => swapSides(p, flip.has(i))),
    texts: data.texts.map((t, i) => swapSides(t, flip.has(i))),
    preview: data.preview.map((p, i) =>
      flip.has(i)
        ? {
            ...swapSides(p, true),
            chosenReward: p.rejectedReward,
            rejectedReward: p.chosenReward,
            flipped: true,
          }
        : p,
    ),
  };
}
