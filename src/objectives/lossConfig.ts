/**
 * The preference objectives' settings as plain data (no tfjs), so the UI can offer and
 * validate them without loading the engine.
 */
import type { LogpReduction } from './logprobs';

/** A hyperparameter of PreferenceLossConfig beyond β. */
type LossParameter = 'labelSmoothing' | 'rpoAlpha' | 'simpoGamma' | 'reduction';

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
  },
  cdpo: {
    label: 'cDPO (label smoothing)',
    short: 'cDPO',
    needsReference: true,
    uses: ['labelSmoothing', 'reduction'],
    formula: 'L = −(1−ε)·log σ(β·h) − ε·log σ(−β·h)',
  },
  robust: {
    label: 'Robust DPO',
    short: 'rDPO',
    needsReference: true,
    uses: ['labelSmoothing', 'reduction'],
    formula: 'L = [−(1−ε)·log σ(β·h) + ε·log σ(−β·h)] / (1−2ε)',
  },
  ipo: {
    label: 'IPO',
    short: 'IPO',
    needsReference: true,
    uses: ['reduction'],
    formula: 'L = (h − 1/(2β))²',
  },
  hinge: {
    label: 'Hinge (SLiC)',
    short: 'SLiC',
    needsReference: true,
    uses: ['reduction'],
    formula: 'L = max(0, 1 − β·h)',
  },
  rpo: {
    label: 'RPO (DPO + NLL)',
    short: 'RPO',
    needsReference: true,
    uses: ['rpoAlpha', 'reduction'],
    formula: 'L = −log σ(β·h) + α·NLL(y_w)',
  },
  simpo: {
    label: 'SimPO (no π_ref)',
    short: 'SimPO',
    needsReference: false,
    uses: ['simpoGamma'],
    formula: 'L = −log σ(β·(p̄_w − p̄_l) − γ),  p̄ = mean token log-prob',
  },
  orpo: {
    label: 'ORPO (no π_ref)',
    short: 'ORPO',
    needsReference: false,
    uses: [],
    formula: 'L = NLL(y_w) − λ·log σ(logodds(p̄_w) − logodds(p̄_l))',
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

export interface PreferenceLossConfig {
  type: PreferenceLossType;
  /** β: higher keeps π_θ nearer π_ref. For ORPO it is λ, for SimPO the reward scale. */
  beta: number;
  /** ε of cDPO and robust DPO: the assumed rate of flipped labels, in [0, 0.5). */
  labelSmoothing: number;
  /** α of RPO: weight of the chosen completion's per-token NLL. */
  rpoAlpha: number;
  /** γ of SimPO: target reward margin. */
  simpoGamma: number;
  /** How log-probs enter Δ for the reference-based losses (SimPO and ORPO always use mean). */
  reduction: LogpReduction;
}

export const DEFAULT_LOSS: PreferenceLossConfig = {
  type: 'sigmoid',
  beta: 0.1,
  labelSmoothing: 0,
  rpoAlpha: 1,
  simpoGamma: 0.5,
  reduction: 'sum',
};
