/**
 * The preference objectives' settings as plain data (no tfjs), so the UI can offer and
 * validate them without loading the engine.
 */
import type { LogpReduction } from './logprobs';

export type PreferenceLossType =
  | 'sigmoid'
  | 'cdpo'
  | 'robust'
  | 'ipo'
  | 'hinge'
  | 'rpo'
  | 'simpo'
  | 'orpo';

/** Objectives that need the frozen reference π_ref. SimPO and ORPO do not. */
export const NEEDS_REFERENCE: Record<PreferenceLossType, boolean> = {
  sigmoid: true,
  cdpo: true,
  robust: true,
  ipo: true,
  hinge: true,
  rpo: true,
  simpo: false,
  orpo: false,
};

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
