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
  /** r̂_w − r̂_l, the objective's reward margin (β·h for the reference-based objectives). */
  margin: number;
  /** σ(r̂_l − r̂_w): the pair's weight in the DPO gradient (paper §4). */
  gradWeight: number;
  /** −log σ(r̂_w − r̂_l): this pair's DPO (sigmoid) loss. */
  dpoLoss: number;
}

/**
 * The quantities of one pair's loss and gradient. The rewards are the ones the objective itself
 * computed (losses.ts), so the inspector and the charts read the same r̂.
 */
export function inspectPair(p: InspectorPair): PairInspection {
  const deltaChosen = p.policyChosen - p.refChosen;
  const deltaRejected = p.policyRejected - p.refRejected;
  const margin = p.rewardChosen - p.rewardRejected;
  return {
    deltaChosen,
    deltaRejected,
    h: deltaChosen - deltaRejected,
    margin,
    gradWeight: sigmoid(-margin),
    dpoLoss: -logSigmoid(margin),
  };
}

/** Each objective's per-pair loss, as written in the DPO reference. */
export const LOSS_FORMULAS: Record<string, string> = Object.fromEntries(
  LOSS_TYPES.map((t) => [t, PREFERENCE_LOSSES[t].formula]),
);

/** Each objective's implicit reward and whether it reads π_ref. */
export const LOSS_REWARDS: Record<string, { reward: string; needsReference: boolean }> =
  Object.fromEntries(
    LOSS_TYPES.map((t) => [
      t,
      { reward: PREFERENCE_LOSSES[t].reward, needsReference: PREFERENCE_LOSSES[t].needsReference },
    ]),
  );
