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
  data: {
    /** Training prompts and completions sampled per prompt from π_ref (paper: 4). */
    prompts: number;
    completionsPerPrompt: number;
    temperature: number;
    maxNewTokens: number;
    pairing: PairingMode;
  };
  eval: { every: number; prompts: number; maxNewTokens: number; temperature: number };
}

/**
 * The default demo, sized for a CPU-emulated GPU (SwiftShader) to show the effect within
 * minutes: 64 prompts × 4 completions (≤ 6 pairs each), β = 0.1 as in the paper. lr 5e-4: on
 * this task 2e-3 reached KL ≈ 60 nats for almost no reward gain (it overfits the pairs), while
 * 5e-4 gained ≈ 0.05 reward at KL ≈ 9–15 (Node sweep over seeds, see the README).
 */
export const DEFAULT_DPO_SETTINGS: DpoRunSettings = {
  loss: DEFAULT_LOSS, // DPO (sigmoid), β = 0.1, summed log-probs
  optim: { kind: 'adam', lr: 5e-4, warmupSteps: 5, maxGradNorm: 10 },
  batchSize: 8,
  steps: 60,
  seed: 1,
  logEvery: 2,
  data: { prompts: 64, completionsPerPrompt: 4, temperature: 1, maxNewTokens: 16, pairing: 'all' },
  eval: { every: 20, prompts: 32, maxNewTokens: 16, temperature: 1 },
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
