/**
 * Plain data a run streams to the UI: no tensors, only numbers and strings, so charts and
 * panels take them as they are. No tfjs here: the UI imports it.
 */
import { PREFERENCE_METRIC_KEYS } from '../objectives/metricKeys';

/** One logged point. Keys follow TRL (`loss`, `rewards/chosen`, …) plus `eval/*` when evaluated. */
export interface MetricPoint {
  step: number;
  phase: 'sft' | 'dpo';
  [key: string]: number | string;
}

/** Keys a MetricPoint may carry. */
export const METRIC_KEYS = [
  ...PREFERENCE_METRIC_KEYS,
  'grad_norm',
  'learning_rate',
  'beta',
  'pairs_per_second',
  /** Mean ground-truth reward of fresh π_θ samples on held-out prompts. */
  'eval/reward',
  /** The same for π_ref (the SFT model): the dashed reference level. */
  'eval/ref_reward',
  /** Mean over samples of Σ_t KL(π_θ(·|y<t) ‖ π_ref(·|y<t)), exact per token. */
  'eval/kl',
  /** Mean over samples of Σ_t [log π_θ(y_t) − log π_ref(y_t)]: the sample estimate. */
  'eval/kl_sample',
  /** With TR-DPO: the exact KL to the current, refreshed π_ref (eval/kl stays to the SFT model). */
  'eval/kl_ref',
  /** Share of a fixed set of held-out π_ref pairs that the implicit reward ranks right. */
  'eval/pair_accuracy',
  /** The online round that starts at this step (1 at step 0). */
  'round',
] as const;

export type MetricKey = (typeof METRIC_KEYS)[number];

/** One evaluated completion of a held-out prompt. */
export interface SampleView {
  prompt: string;
  promptIds: number[];
  /** Completion token ids and their display texts. */
  tokens: number[];
  tokenTexts: string[];
  /** log π_θ(y_t | ·) and log π_ref(y_t | ·) per completion token. */
  policyLogps: number[];
  refLogps: number[];
  text: string;
  /** Ground-truth reward r*(x, y) ∈ [0, 1]. */
  reward: number;
  /** π_ref's completion of the same prompt, for comparison. */
  refText: string;
  refReward: number;
}

/** One pair of the last logged batch, for the step inspector. */
export interface InspectorPair {
  index: number;
  prompt: string;
  chosen: string;
  rejected: string;
  /** Summed completion log-probs. */
  policyChosen: number;
  policyRejected: number;
  refChosen: number;
  refRejected: number;
  /** This pair's loss under the run's objective. */
  loss: number;
  /** The objective's own implicit rewards r̂(x, y_w), r̂(x, y_l), as the loss computed them. */
  rewardChosen: number;
  rewardRejected: number;
  beta: number;
}

/** A labelled preference pair (dataset preview). */
export interface PairPreview {
  prompt: string;
  chosen: string;
  rejected: string;
  chosenReward: number;
  rejectedReward: number;
  /** The online round whose π_θ sampled it (1: π_ref); absent for imported data. */
  round?: number;
  /** True when label noise swapped chosen and rejected (the rewards swapped with them). */
  flipped?: boolean;
  /** "you": labelled by the learner in the labelling mode (r* then only for comparison). */
  source?: 'you';
}
