/**
 * The preference objectives and their hyperparameters as plain data (no tfjs), so the UI can
 * offer and validate them without loading the engine. A new variant is a row here plus its loss
 * in losses.ts; a new hyperparameter is a setting in LOSS_PARAMS, named in the rows that use it.
 */
import { z } from 'zod';
import { defaultsOf, setting, type ValueOf } from '../util/setting';

/**
 * The hyperparameters beyond β, one declaration each: bounds, default, share-link key, label
 * and help. The run controls show those the chosen objective `uses`; the settings schema, the
 * share link, the sweep config and stored-record migration derive from them.
 */
export const LOSS_PARAMS = {
  labelSmoothing: setting(z.number().min(0).lt(0.5, 'must be < 0.5'), {
    default: 0,
    url: 'smooth',
    label: 'ε (flipped labels)',
    help: 'cDPO / robust DPO: the assumed share of preference labels that are wrong, in [0, 0.5)',
    step: 0.05,
  }),
  rpoAlpha: setting(z.number().min(0, 'must be ≥ 0').max(100), {
    default: 1,
    url: 'alpha',
    label: 'α (NLL weight)',
    help: 'RPO: weight of the chosen completion’s per-token negative log-likelihood',
    step: 0.1,
  }),
  simpoGamma: setting(z.number().min(-100).max(100), {
    default: 0.5,
    url: 'gamma',
    label: 'γ (target margin)',
    help: 'SimPO: the reward margin β·(p̄_w − p̄_l) is pushed past γ',
    step: 0.1,
  }),
  reduction: setting(z.enum(['sum', 'mean']), {
    default: 'sum',
    url: 'reduce',
    label: 'log-prob reduction',
    help: 'How token log-probs enter Δ = log π_θ/π_ref: summed over the completion (the paper) or averaged (length-normalised)',
    options: { sum: 'sum over tokens', mean: 'mean per token' },
  }),
} as const;

/** A hyperparameter of PreferenceLossConfig beyond β. */
type LossParameter = keyof typeof LOSS_PARAMS;

interface LossEntry {
  /** The objective picker's label. */
  label: string;
  /** Short name for plots and sweep labels ("DPO β=0.1"). */
  short: string;
  /** Whether the objective needs the frozen reference π_ref. */
  needsReference: boolean;
  /** Hyperparameters it reads beyond β. */
  uses: readonly LossParameter[];
  /** Its per-pair loss, as written in the DPO reference (h = Δ(y_w) − Δ(y_l)). */
  formula: string;
  /** Its implicit reward r̂(x, y), as losses.ts computes and logs it. */
  reward: string;
  /** TRL 1.13 DPOTrainer's computation of it (the TRL job: pipeline/frontier/trlJob.ts). */
  trl: TrlLoss;
}

/**
 * The TRL 1.13 trainer of an objective ('cpo': trl.experimental's CPOTrainer; absent:
 * DPOTrainer), its `loss_type` for summed and for per-token-mean log-probs (null: TRL computes
 * it otherwise), the config keys its hyperparameters go to, settings the objective fixes, and
 * why a null is null.
 */
export interface TrlLoss {
  trainer?: 'cpo';
  sum: string | null;
  mean: string | null;
  args?: Partial<Record<LossParameter, string>>;
  /** Trainer config keys the objective sets whatever the run (SimPO: CPOTrainer's NLL term off). */
  fixed?: Record<string, number>;
  why?: string;
}

/**
 * Every preference objective, one row each: the picker, the sweep config, the step inspector
 * and NEEDS_REFERENCE derive from it. A new variant is a row here plus its loss in losses.ts.
 */
export const PREFERENCE_LOSSES = {
  sigmoid: {
    label: 'DPO (sigmoid)',
    short: 'DPO',
    needsReference: true,
    uses: ['reduction'],
    formula: 'L = −log σ(β·h)',
    reward: 'r̂ = β·Δ,  Δ = log π_θ(y|x) − log π_ref(y|x)',
    trl: { sum: 'sigmoid', mean: 'sigmoid_norm' },
  },
  cdpo: {
    label: 'cDPO (label smoothing)',
    short: 'cDPO',
    needsReference: true,
    uses: ['labelSmoothing', 'reduction'],
    formula: 'L = −(1−ε)·log σ(β·h) − ε·log σ(−β·h)',
    reward: 'r̂ = β·Δ,  Δ = log π_θ(y|x) − log π_ref(y|x)',
    trl: { sum: null, mean: null, why: 'TRL 1.13 sigmoid loss takes no label smoothing' },
  },
  robust: {
    label: 'Robust DPO',
    short: 'rDPO',
    needsReference: true,
    uses: ['labelSmoothing', 'reduction'],
    formula: 'L = [−(1−ε)·log σ(β·h) + ε·log σ(−β·h)] / (1−2ε)',
    reward: 'r̂ = β·Δ,  Δ = log π_θ(y|x) − log π_ref(y|x)',
    trl: {
      sum: 'robust',
      mean: null,
      args: { labelSmoothing: 'label_smoothing' },
      why: 'TRL 1.13 has robust only on summed log-probs',
    },
  },
  ipo: {
    label: 'IPO',
    short: 'IPO',
    needsReference: true,
    uses: ['reduction'],
    formula: 'L = (h − 1/(2β))²',
    reward: 'r̂ = β·Δ,  Δ = log π_θ(y|x) − log π_ref(y|x)',
    trl: {
      sum: null,
      mean: 'ipo',
      why: 'TRL 1.13 IPO always averages log-probs per token (reduction "mean")',
    },
  },
  hinge: {
    label: 'Hinge (SLiC)',
    short: 'SLiC',
    needsReference: true,
    uses: ['reduction'],
    formula: 'L = max(0, 1 − β·h)',
    reward: 'r̂ = β·Δ,  Δ = log π_θ(y|x) − log π_ref(y|x)',
    trl: { sum: 'hinge', mean: null, why: 'TRL 1.13 has hinge only on summed log-probs' },
  },
  rpo: {
    label: 'RPO (DPO + NLL)',
    short: 'RPO',
    needsReference: true,
    uses: ['rpoAlpha', 'reduction'],
    formula: 'L = −log σ(β·h) + α·NLL(y_w)',
    reward: 'r̂ = β·Δ,  Δ = log π_θ(y|x) − log π_ref(y|x)',
    trl: {
      sum: null,
      mean: null,
      why: 'TRL 1.13 has no rpo_alpha; its loss_type ["sigmoid", "sft"] with loss_weights [1, α] takes the NLL as one token mean over the batch’s chosen tokens (Σ NLL / Σ |y_w|), the app as the mean over pairs of each chosen completion’s token mean: they differ unless every chosen completion has the same length',
    },
  },
  simpo: {
    label: 'SimPO (no π_ref)',
    short: 'SimPO',
    needsReference: false,
    uses: ['simpoGamma'],
    formula: 'L = −log σ(β·(p̄_w − p̄_l) − γ),  p̄ = mean token log-prob',
    reward: 'r̂ = β·p̄,  p̄ = mean token log π_θ(y|x)',
    // CPOTrainer: −log σ(β·(p̄_w − p̄_l − γ/β)), mean over pairs; cpo_alpha 0 drops its NLL term.
    trl: {
      trainer: 'cpo',
      sum: 'simpo',
      mean: 'simpo',
      args: { simpoGamma: 'simpo_gamma' },
      fixed: { cpo_alpha: 0 },
    },
  },
  orpo: {
    label: 'ORPO (no π_ref)',
    short: 'ORPO',
    needsReference: false,
    uses: [],
    formula: 'L = NLL(y_w) − λ·log σ(logodds(p̄_w) − logodds(p̄_l))',
    reward: 'r̂ = λ·p̄,  λ = β,  p̄ = mean token log π_θ(y|x)',
    trl: {
      sum: null,
      mean: null,
      why: 'trl.experimental ORPOTrainer 1.13 takes NLL(y_w) over the prompt’s and the chosen completion’s tokens, as one token mean over the batch; the app over the chosen completion only, as the mean over pairs of each one’s token mean: not the same loss',
    },
  },
} as const satisfies Record<string, LossEntry>;

export type PreferenceLossType = keyof typeof PREFERENCE_LOSSES;

/** The objectives' ids in table order (a non-empty tuple, as z.enum takes it). */
export const LOSS_TYPES = Object.keys(PREFERENCE_LOSSES) as [
  PreferenceLossType,
  ...PreferenceLossType[],
];

/** Objectives that need the frozen reference π_ref. SimPO and ORPO do not. */
export const NEEDS_REFERENCE = Object.fromEntries(
  LOSS_TYPES.map((t) => [t, PREFERENCE_LOSSES[t].needsReference]),
) as Record<PreferenceLossType, boolean>;

/** The loss settings: the objective, β and every hyperparameter of LOSS_PARAMS. */
export const LOSS_SETTINGS = {
  type: setting(z.enum(LOSS_TYPES), {
    default: 'sigmoid',
    url: 'loss',
    label: 'objective',
    help: 'The preference loss π_θ is trained with',
    options: Object.fromEntries(LOSS_TYPES.map((t) => [t, PREFERENCE_LOSSES[t].label])),
  }),
  beta: setting(z.number().gt(0, 'must be > 0').max(100), {
    default: 0.1,
    url: 'beta',
    label: 'β',
    help: 'Higher β keeps π_θ nearer π_ref (a stronger KL leash); for ORPO it is λ, for SimPO the reward scale',
    live: true,
    step: 0.05,
  }),
  ...LOSS_PARAMS,
} as const;

export type PreferenceLossConfig = ValueOf<typeof LOSS_SETTINGS>;

/** DPO (sigmoid), β = 0.1, summed log-probs. */
export const DEFAULT_LOSS: PreferenceLossConfig = defaultsOf(LOSS_SETTINGS);

/** The hyperparameters objective `type` reads beyond β, in LOSS_PARAMS order. */
export function lossParamsOf(type: PreferenceLossType): LossParameter[] {
  const uses: readonly LossParameter[] = PREFERENCE_LOSSES[type].uses;
  return (Object.keys(LOSS_PARAMS) as LossParameter[]).filter((k) => uses.includes(k));
}
