/** What the RL baselines share: prompts with their text, and a batched reward function. */

export interface TokenizedPrompt {
  /** Prompt ids (the pipeline starts each with end-of-text); at least one. */
  ids: number[];
  /** The prompt as text, for rewards that read it (the ground truth scores y given x). */
  text: string;
}

/** One completion to score: its prompt and the completion as ids and decoded text. */
export interface RewardQuery {
  prompt: TokenizedPrompt;
  /** Completion ids as sampled (ending with end-of-text where the row stopped). */
  completion: number[];
  /** The completion decoded, end-of-text dropped. */
  text: string;
}

/**
 * Scores a batch of completions, one number each. Batched and async so a learned reward
 * model runs one forward per batch and reads back once (WebGPU has no sync read).
 */
export type RewardFunction = (batch: RewardQuery[]) => Promise<number[]>;

/** Lifts a per-sample reward (prompt text, completion text, completion ids) → number. */
export function perSampleReward(
  fn: (prompt: string, text: string, tokens: number[]) => number | Promise<number>,
): RewardFunction {
  return async (batch) => Promise.all(batch.map((q) => fn(q.prompt.text, q.text, q.completion)));
}
