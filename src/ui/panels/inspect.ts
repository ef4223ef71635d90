import { LOSS_TYPES, PREFERENCE_LOSSES } from '../../objectives/lossConfig';
import type { InspectorPair } from '../../pipeline/views';

/** σ(z) without overflow: exp only ever sees −|z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log σ(z) = −softplus(−z), stable for large |z|. */
export function logSigmoid(z: number): number {
  return Math.min(z, 0) - Math.log1p(Math.exp(-Math.abs(z)));
}

export interface PairInspection {
  /** Δ_w = log π_θ(y_w|x) − log π_ref(y_w|x). */
  deltaChosen: number;
  /** Δ_l = log π_θ(y_l|x) − log π_ref(y_l|x). */
  deltaRejected: number;
  /** h = Δ_w − Δ_l. */
  h: number;
  betaH: number;
  /** σ(−β·h) = σ(r̂_l − r̂_w): the pair's weight in the DPO gradient (paper §4). */
  gradWeight: number;
  /** r̂ = β·Δ (paper Eq. 5). */
  rewardChosen: number;
  rewardRejected: number;
  /** −log σ(β·h): this pair's DPO (sigmoid) loss. */
  dpoLoss: number;
}

/** The quantities of one pair's DPO loss and gradient, from its summed log-probs. */
export function inspectPair(p: InspectorPair): PairInspection {
  const deltaChosen = p.policyChosen - p.refChosen;
  const deltaRejected = p.policyRejected - p.refRejected;
  const h = deltaChosen - deltaRejected;
  const betaH = p.beta * h;
  return {
    deltaChosen,
    deltaRejected,
    h,
    betaH,
    gradWeight: sigmoid(-betaH),
    rewardChosen: p.beta * deltaChosen,
    rewardRejected: p.beta * deltaRejected,
    dpoLoss: -logSigmoid(betaH),
  };
}

/** Each objective's per-pair loss, as written in the DPO reference. */
export const LOSS_FORMULAS: Record<string, string> = Object.fromEntries(
  LOSS_TYPES.map((t) => [t, PREFERENCE_LOSSES[t].formula]),
);
