/**
 * Run settings as plain data with their defaults. No tfjs here: the UI imports this module to
 * build and edit settings, the worker's pipeline consumes them.
 */
import type { PresetName } from '../model/config';
import { DEFAULT_LOSS, type PreferenceLossConfig } from '../objectives/lossConfig';
import type { PairingMode } from '../task/preferences';
import type { OptimConfig } from './optim';

export interface DpoRunSettings {
  loss: PreferenceLossConfig;
  optim: OptimConfig;
  batchSize: number;
  steps: number;
  seed: number;
  /** Read metrics back every this many steps (a GPU sync). */
  logEvery: number;
  /**
   * Online (iterative) DPO: the steps are split into this many rounds; each round after the
   * first trains on fresh pairs sampled from the current π_θ and labelled by the reward
   * (TRL OnlineDPO, with the reward function as judge). π_ref stays the SFT model. 1: offline.
   */
  rounds: number;
  /**
   * TR-DPO (TRL sync_ref_model): every refSyncSteps steps π_ref ← α·π_θ + (1−α)·π_ref with
   * α = refMixupAlpha (1: a hard copy) and its cached log-probs are recomputed. 0: off.
   */
  refSyncSteps: number;
  refMixupAlpha: number;
  data: {
    /** Training prompts and completions sampled per prompt from π_ref (paper: 4). */
    prompts: number;
    completionsPerPrompt: number;
    temperature: number;
    maxNewTokens: number;
    pairing: PairingMode;
    /** Share of the sampled pairs whose labels are flipped (seeded), to watch noise robustness. */
    labelNoise: number;
  };
  eval: { every: number; prompts: number; maxNewTokens: number; temperature: number };
}

/**
 * The default demo: online DPO in 3 rounds of 20 steps. Round 1 trains on pairs sampled from
 * π_ref (64 prompts × 4 completions, ≤ 6 pairs each: ≈ 300 pairs for the 160 a round trains
 * on; sampling is most of the demo's time); each later round samples fresh pairs
 * from the current π_θ and labels them with the reward, so the pairs follow the policy to
 * where the reward is (offline pairs on nano top out near 0.65). β = 0.1 as in the paper.
 * Sized for the fluent micro checkpoint (the probe's pick on WASM here): lr 2e-4 over 60 steps
 * ended at KL 4.7–12.3 on 3 seeds (3.5–9.5 with 128 prompts, at twice the sampling time);
 * lr 3e-4 over 48 steps reached a similar reward but at KL up
 * to 27.7, and the nano-tuned 8 × 25 steps at 3e-4 left the 3-minute budget. Tuned in Node on
 * the WASM backend with `scripts/demo-tune.ts` on validation prompts; figures in the README.
 */
export const DEFAULT_DPO_SETTINGS: DpoRunSettings = {
  loss: DEFAULT_LOSS, // DPO (sigmoid), β = 0.1, summed log-probs
  optim: { kind: 'adam', lr: 2e-4, warmupSteps: 5, maxGradNorm: 10 },
  batchSize: 8,
  steps: 60,
  seed: 1,
  logEvery: 2,
  rounds: 3,
  refSyncSteps: 0,
  refMixupAlpha: 1,
  data: {
    prompts: 64,
    completionsPerPrompt: 4,
    temperature: 1,
    maxNewTokens: 16,
    pairing: 'all',
    labelNoise: 0,
  },
  eval: { every: 20, prompts: 64, maxNewTokens: 16, temperature: 1 },
};

export interface SftSettings {
  preset: PresetName;
  /** Tokenizer size: 256 bytes + merges + end-of-text. */
  vocabSize: number;
  /** Context length of the model. */
  blockSize: number;
  steps: number;
  /** Windows of blockSize tokens per step. */
  batchSize: number;
  /** Peak learning rate, reached after warmupSteps, then cosine decay to 10 % of it. */
  lr: number;
  warmupSteps: number;
  maxGradNorm: number;
  seed: number;
  /** Read the loss back every this many steps (a GPU sync). */
  logEvery: number;
}

/** What `npm run pretrain` uses for the shipped checkpoint. */
export const PRETRAIN_SETTINGS: SftSettings = {
  preset: 'nano',
  vocabSize: 512,
  blockSize: 64,
  steps: 2000,
  batchSize: 16,
  lr: 3e-3,
  warmupSteps: 50,
  maxGradNorm: 1,
  seed: 1,
  logEvery: 100,
};

/** A browser-sized default: a few minutes on a real GPU, a rough but fluent-ish model. */
export const BROWSER_SFT_SETTINGS: SftSettings = {
  ...PRETRAIN_SETTINGS,
  steps: 300,
  batchSize: 8,
  warmupSteps: 20,
  logEvery: 5,
};
