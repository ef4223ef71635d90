/**
 * A DPO run's settings, one declaration each (bounds, default, share-link key, label, help):
 * the type, the defaults, the share link, the run controls and stored-record migration derive
 * from RUN_SETTINGS. No tfjs here: the UI imports this module, the worker's pipeline consumes
 * the values.
 */
import { z } from 'zod';
import { PRESETS, type PresetName } from '../model/config';
import { LOSS_SETTINGS } from '../objectives/lossConfig';
import { defaultsOf, getAt, leavesOf, setAt, setting, type ValueOf } from '../util/setting';
import type { PlaygroundTrait } from './algorithms/algorithm';
import { ALGORITHM_IDS, ALGORITHMS } from './algorithms/registry';

const int = (min: number, max: number) =>
  z.number().int('must be an integer').min(min, `must be ≥ ${min}`).max(max, `must be ≤ ${max}`);
/** z.number() already rejects NaN and ±∞. */
const temperature = z.number().gt(0, 'must be > 0').max(5, 'must be ≤ 5');
const newTokens = int(1, 256);

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
 * the WASM backend with `scripts/demo-tune.ts` on validation prompts; figures in docs/experiments.md.
 */
/** Settings not every algorithm reads name the trait that reads them (algorithms/algorithm.ts). */
const usedBy = (...traits: PlaygroundTrait[]) => traits;

export const RUN_SETTINGS = {
  algorithm: setting(z.enum(ALGORITHM_IDS), {
    default: 'dpo',
    url: 'algo',
    label: 'algorithm',
    help: 'DPO with the objective below, or one of the paper’s baselines on the same pairs and budget (their own settings at their sweep defaults)',
    options: Object.fromEntries(
      ALGORITHM_IDS.map((id) => [
        id,
        ALGORITHMS[id].kind === 'trained'
          ? ALGORITHMS[id].label
          : `${ALGORITHMS[id].label} (frontier panel only)`,
      ]),
    ),
  }),
  loss: LOSS_SETTINGS,
  optim: {
    kind: setting(z.enum(['adam', 'rmsprop']), {
      default: 'adam',
      url: 'opt',
      label: 'optimiser',
      help: 'Adam, or RMSprop as in the reference DPO code',
      options: { adam: 'Adam', rmsprop: 'RMSprop (reference code)' },
      usedBy: usedBy('optimiser-choice'), // the baselines train with Adam, as in the sweep
    }),
    lr: setting(z.number().gt(0, 'must be > 0').max(1, 'must be ≤ 1'), {
      default: 2e-4,
      url: 'lr',
      label: 'learning rate',
      help: 'Peak learning rate (the paper: 1e-6 on GPT-2-large; 1e-4..1e-3 suits tiny models)',
      live: true,
      step: 0.0001,
    }),
    warmupSteps: setting(int(0, 100_000), {
      default: 5,
      url: 'warmup',
      label: 'warm-up steps',
      help: 'Linear warm-up from 0 to the learning rate over this many steps (reference code: 150)',
    }),
    maxGradNorm: setting(z.number().gt(0, 'must be > 0').max(1e6), {
      default: 10,
      url: 'clip',
      label: 'grad-norm clip',
      help: 'Global gradient-norm clip (reference code: 10)',
    }),
  },
  batchSize: setting(int(1, 256), {
    default: 8,
    url: 'batch',
    label: 'pairs / batch',
    help: 'Preference pairs per optimisation step',
    usedBy: usedBy('pair-batches'), // PPO's batch is its own (prompts per iteration)
  }),
  steps: setting(int(1, 100_000), {
    default: 60,
    url: 'steps',
    label: 'steps',
    help: 'Optimisation steps in all (split over the online rounds)',
  }),
  seed: setting(int(0, 2 ** 31 - 1), {
    default: 1,
    url: 'seed',
    label: 'seed',
    help: 'Seeds sampling, shuffling and evaluation (0: unseeded)',
  }),
  logEvery: setting(int(1, 1000), {
    default: 2,
    url: 'log',
    label: 'log every',
    help: 'Read the metrics back every this many steps (a GPU sync)',
  }),
  rounds: setting(int(1, 100), {
    default: 3,
    url: 'rounds',
    label: 'rounds',
    help: 'Online (iterative) DPO: after each round, sample new pairs from the current π_θ, label them with the reward and train on them (TRL OnlineDPO with the reward as judge); π_ref stays the SFT model. 1: offline DPO',
    usedBy: usedBy('online-rounds'),
  }),
  refSyncSteps: setting(int(0, 100_000), {
    default: 0,
    url: 'refSync',
    label: 'refresh π_ref every',
    help: 'TR-DPO (TRL sync_ref_model): every k steps π_ref ← α·π_θ + (1−α)·π_ref and its log-probs are recomputed. 0: π_ref stays the SFT model',
    usedBy: usedBy('reference-refresh'),
  }),
  refMixupAlpha: setting(z.number().gt(0, 'must be > 0').max(1, 'must be ≤ 1'), {
    default: 1,
    url: 'refAlpha',
    label: 'refresh α',
    help: 'α of the refresh: 1 copies π_θ into π_ref (hard), less mixes (soft)',
    step: 0.05,
    usedBy: usedBy('reference-refresh'),
  }),
  data: {
    prompts: setting(int(1, 10_000), {
      default: 64,
      url: 'prompts',
      label: 'prompts',
      help: 'Training prompts: review prefixes (2–8 tokens) taken from held-out reviews',
    }),
    completionsPerPrompt: setting(int(2, 16), {
      default: 4,
      url: 'k',
      label: 'K per prompt',
      help: 'Completions sampled per prompt from π_ref (the paper: 4)',
    }),
    temperature: setting(temperature, {
      default: 1,
      url: 'temp',
      label: 'temperature',
      help: 'Sampling temperature of π_ref: higher gives more varied pairs',
      step: 0.1,
    }),
    maxNewTokens: setting(newTokens, {
      default: 16,
      url: 'tokens',
      label: 'new tokens',
      help: 'Tokens sampled per completion',
    }),
    pairing: setting(z.enum(['all', 'best-vs-worst']), {
      default: 'all',
      url: 'pairing',
      label: 'pairing',
      help: 'Which ordered pairs of the K ranked completions become training pairs',
      options: { all: 'all pairs (≤ K(K−1)/2)', 'best-vs-worst': 'best vs worst (1)' },
    }),
    labelNoise: setting(z.number().min(0, 'must be ≥ 0').max(0.5, 'must be ≤ 0.5'), {
      default: 0,
      url: 'noise',
      label: 'label noise',
      help: 'Share of the sampled pairs whose chosen and rejected are swapped (seeded); cDPO and robust DPO assume such a rate ε',
      step: 0.05,
      usedBy: usedBy('labels'), // PPO-GT reads r* itself, not the labels
    }),
  },
  eval: {
    every: setting(int(1, 100_000), {
      default: 20,
      url: 'evalEvery',
      label: 'evaluate every',
      help: 'Steps between evaluations of π_θ on the held-out prompts',
    }),
    prompts: setting(int(1, 10_000), {
      default: 64,
      url: 'evalPrompts',
      label: 'evaluation prompts',
      help: 'Held-out prompts sampled at each evaluation',
    }),
    maxNewTokens: setting(newTokens, {
      default: 16,
      url: 'evalTokens',
      label: 'evaluation tokens',
      help: 'Tokens sampled per evaluation completion',
    }),
    temperature: setting(temperature, {
      default: 1,
      url: 'evalTemp',
      label: 'evaluation temperature',
      help: 'Sampling temperature of the evaluation samples',
      step: 0.1,
    }),
  },
} as const;

export type DpoRunSettings = ValueOf<typeof RUN_SETTINGS>;

export const DEFAULT_DPO_SETTINGS: DpoRunSettings = defaultsOf(RUN_SETTINGS);

/** The settings a prepared run may change (declared `live`: β, the learning rate). */
const LIVE = leavesOf(RUN_SETTINGS).filter((l) => l.setting.meta.live);

/** `current` with the live settings taken from `next` (a copy; neither is modified). */
export function withLiveSettings(current: DpoRunSettings, next: DpoRunSettings): DpoRunSettings {
  const out = structuredClone(current);
  for (const { path } of LIVE) {
    setAt(out as unknown as Record<string, unknown>, path, getAt(next, path));
  }
  return out;
}

const PRESET_NAMES = Object.keys(PRESETS) as [PresetName, ...PresetName[]];

/** Stage 1 in the browser (the SFT panel): its defaults are a browser-sized run. */
export const SFT_SETTINGS = {
  preset: setting(z.enum(PRESET_NAMES), {
    default: 'nano',
    url: 'sftModel',
    label: 'model',
    help: 'The size of the GPT to train',
  }),
  vocabSize: setting(int(258, 4096), {
    default: 512,
    url: 'sftVocab',
    label: 'vocab',
    help: 'Tokenizer size: 256 bytes + merges + end-of-text',
  }),
  blockSize: setting(int(8, 1024), {
    default: 64,
    url: 'sftBlock',
    label: 'context',
    help: 'Context length of the model, in tokens',
  }),
  steps: setting(int(1, 1_000_000), {
    default: 300,
    url: 'sftSteps',
    label: 'steps',
    help: 'Optimisation steps',
  }),
  batchSize: setting(int(1, 1024), {
    default: 8,
    url: 'sftBatch',
    label: 'batch',
    help: 'Windows of `context` tokens per step',
  }),
  lr: setting(z.number().gt(0, 'must be > 0').lt(1, 'must be < 1'), {
    default: 3e-3,
    url: 'sftLr',
    label: 'learning rate',
    help: 'Peak learning rate, reached after the warm-up, then cosine decay to 10 % of it',
    step: 0.001,
  }),
  warmupSteps: setting(int(0, 1_000_000), {
    default: 20,
    url: 'sftWarmup',
    label: 'warm-up steps',
    help: 'Linear warm-up to the peak learning rate',
  }),
  maxGradNorm: setting(z.number().gt(0, 'must be > 0'), {
    default: 1,
    url: 'sftClip',
    label: 'grad-norm clip',
    help: 'Global gradient-norm clip',
  }),
  seed: setting(int(0, 2 ** 31 - 1), {
    default: 1,
    url: 'sftSeed',
    label: 'seed',
    help: 'Seeds the initial weights and the batches',
  }),
  logEvery: setting(int(1, 100_000), {
    default: 5,
    url: 'sftLog',
    label: 'log every',
    help: 'Read the loss back every this many steps (a GPU sync)',
  }),
} as const;

export type SftSettings = ValueOf<typeof SFT_SETTINGS>;

/** A browser-sized default: a few minutes on a real GPU, a rough but fluent-ish model. */
export const BROWSER_SFT_SETTINGS: SftSettings = defaultsOf(SFT_SETTINGS);

/** What `npm run pretrain` uses for the shipped checkpoint. */
export const PRETRAIN_SETTINGS: SftSettings = {
  ...BROWSER_SFT_SETTINGS,
  steps: 2000,
  batchSize: 16,
  warmupSteps: 50,
  logEvery: 100,
};
