/**
 * Preference objectives as pure functions of per-sequence log-probs, after the reference
 * `preference_loss` of the DPO code and TRL's `dpo_loss`. Each returns per-pair losses (the
 * batch loss is their mean) and the implicit rewards r̂ = β·Δ (paper Eq. 5).
 */
import * as tf from '@tensorflow/tfjs';
import { reduceLogps, type SequenceLogps } from './logprobs';
import type { PreferenceLossConfig } from './lossConfig';
import { log1mexp, logSigmoid } from './stable';

export { DEFAULT_LOSS, NEEDS_REFERENCE, type PreferenceLossConfig } from './lossConfig';

export interface PreferenceLogps {
  policyChosen: SequenceLogps;
  policyRejected: SequenceLogps;
  /** Absent for the reference-free objectives. */
  refChosen?: SequenceLogps;
  refRejected?: SequenceLogps;
}

export type PreferenceLossOutput = {
  /** [B] per-pair losses. */
  losses: tf.Tensor1D;
  /** [B] r̂(x, y_w) and r̂(x, y_l). */
  chosenRewards: tf.Tensor1D;
  rejectedRewards: tf.Tensor1D;
};

/** The per-pair loss of `cfg.type` with its implicit rewards. */
export function preferenceLoss(
  inputs: PreferenceLogps,
  cfg: PreferenceLossConfig,
): PreferenceLossOutput {
  validateLossConfig(cfg);
  return tf.tidy(() => {
    if (cfg.type === 'simpo') return simpo(inputs, cfg);
    if (cfg.type === 'orpo') return orpo(inputs, cfg);
    const { refChosen, refRejected } = inputs;
    if (!refChosen || !refRejected) throw new Error(`${cfg.type} needs reference log-probs`);
    const r = cfg.reduction;
    const dChosen = tf.sub(reduceLogps(inputs.policyChosen, r), reduceLogps(refChosen, r)); // Δ(y_w)
    const dRejected = tf.sub(reduceLogps(inputs.policyRejected, r), reduceLogps(refRejected, r));
    const h = tf.sub(dChosen, dRejected) as tf.Tensor1D; // [B]
    return {
      losses: referenceLoss(h, inputs, cfg),
      chosenRewards: tf.mul(cfg.beta, dChosen) as tf.Tensor1D,
      rejectedRewards: tf.mul(cfg.beta, dRejected) as tf.Tensor1D,
    };
  });
}

/** Losses of h = Δ(y_w) − Δ(y_l); table in ../shared/docs/dpo-reference.md. */
function referenceLoss(
  h: tf.Tensor1D,
  inputs: PreferenceLogps,
  cfg: PreferenceLossConfig,
): tf.Tensor1D {
  const { beta, labelSmoothing: eps } = cfg;
  const bh = tf.mul(beta, h) as tf.Tensor1D;
  const loss = (t: tf.Tensor) => t as tf.Tensor1D;
  switch (cfg.type) {
    case 'sigmoid':
      return loss(tf.neg(logSigmoid(bh)));
    case 'cdpo':
      // −(1−ε)·log σ(βh) − ε·log σ(−βh)
      return loss(tf.sub(tf.mul(-(1 - eps), logSigmoid(bh)), tf.mul(eps, logSigmoid(tf.neg(bh)))));
    case 'robust':
      // [−(1−ε)·log σ(βh) + ε·log σ(−βh)] / (1−2ε)  (Chowdhury et al. 2024)
      return loss(
        tf.div(
          tf.add(tf.mul(-(1 - eps), logSigmoid(bh)), tf.mul(eps, logSigmoid(tf.neg(bh)))),
          1 - 2 * eps,
        ),
      );
    case 'ipo':
      // (h − 1/(2β))²  (Azar et al. 2023, Eq. 17)
      return loss(tf.square(tf.sub(h, 1 / (2 * beta))));
    case 'hinge':
      // max(0, 1 − βh)  (SLiC / RSO)
      return loss(tf.relu(tf.sub(1, bh)));
    case 'rpo':
      // DPO + α·NLL(y_w), NLL per token of the chosen completion.
      return loss(
        tf.add(tf.neg(logSigmoid(bh)), tf.mul(cfg.rpoAlpha, meanNll(inputs.policyChosen))),
      );
    case 'simpo':
    case 'orpo':
      throw new Error(`${cfg.type} is reference-free`);
  }
}

/** SimPO: −log σ(β·(p̄_w − p̄_l) − γ), p̄ the mean token log-prob; rewards β·p̄. */
function simpo(inputs: PreferenceLogps, cfg: PreferenceLossConfig): PreferenceLossOutput {
  const pw = reduceLogps(inputs.policyChosen, 'mean');
  const pl = reduceLogps(inputs.policyRejected, 'mean');
  const z = tf.sub(tf.mul(cfg.beta, tf.sub(pw, pl)), cfg.simpoGamma);
  return {
    losses: tf.neg(logSigmoid(z)) as tf.Tensor1D,
    chosenRewards: tf.mul(cfg.beta, pw) as tf.Tensor1D,
    rejectedRewards: tf.mul(cfg.beta, pl) as tf.Tensor1D,
  };
}

/**
 * ORPO (Hong et al. 2024): NLL(y_w) − λ·log σ(logodds(p̄_w) − logodds(p̄_l)),
 * logodds(p) = p − log(1 − eᵖ); λ is cfg.beta and the rewards are λ·p̄ (as TRL logs them).
 */
function orpo(inputs: PreferenceLogps, cfg: PreferenceLossConfig): PreferenceLossOutput {
  const pw = reduceLogps(inputs.policyChosen, 'mean');
  const pl = reduceLogps(inputs.policyRejected, 'mean');
  const logOdds = (p: tf.Tensor1D) => tf.sub(p, log1mexp(p));
  const ratio = logSigmoid(tf.sub(logOdds(pw), logOdds(pl)));
  return {
    losses: tf.sub(tf.neg(pw), tf.mul(cfg.beta, ratio)) as tf.Tensor1D,
    chosenRewards: tf.mul(cfg.beta, pw) as tf.Tensor1D,
    rejectedRewards: tf.mul(cfg.beta, pl) as tf.Tensor1D,
  };
}

/** Per-sequence mean negative log-likelihood of the completion tokens: [N]. */
function meanNll(s: SequenceLogps): tf.Tensor1D {
  return tf.tidy(() => tf.neg(reduceLogps(s, 'mean')));
}

/**
 * SFT / Preferred-FT loss: token-mean NLL over every completion token of the batch (scalar).
 * tokenLogps [N, T−1], completionMask [N, T].
 */
export function sftLoss(tokenLogps: tf.Tensor2D, completionMask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const [N, T] = completionMask.shape;
    const mask = tf.slice(completionMask.toFloat(), [0, 1], [N, T - 1]);
    return tf.div(tf.neg(tf.sum(tf.mul(tokenLogps, mask))), tf.maximum(tf.sum(mask), 1));
  });
}

/**
 * Unlikelihood baseline (Welleck et al. 2019) per pair: −mean_t log π(y_w,t) −
 * α·mean_t log(1 − π(y_l,t)). Token log-probs [B, T−1] with masks [B, T] → [B].
 */
export function unlikelihoodLoss(
  chosen: { tokenLogps: tf.Tensor2D; completionMask: tf.Tensor2D },
  rejected: { tokenLogps: tf.Tensor2D; completionMask: tf.Tensor2D },
  alpha = 1,
): tf.Tensor1D {
  return tf.tidy(() => {
    const maskedMean = (x: tf.Tensor2D, completionMask: tf.Tensor2D) => {
      const [N, T] = completionMask.shape;
      const mask = tf.slice(completionMask.toFloat(), [0, 1], [N, T - 1]);
      return tf.div(tf.sum(tf.mul(x, mask), 1), tf.maximum(tf.sum(mask, 1), 1));
    };
    const like = maskedMean(chosen.tokenLogps, chosen.completionMask);
    const unlike = maskedMean(log1mexp(rejected.tokenLogps), rejected.completionMask);
    return tf.neg(tf.add(like, tf.mul(alpha, unlike))) as tf.Tensor1D;
  });
}

function validateLossConfig(cfg: PreferenceLossConfig): void {
  if (!(cfg.beta > 0) || !Number.isFinite(cfg.beta)) throw new Error('beta must be > 0');
  if (!(cfg.labelSmoothing >= 0 && cfg.labelSmoothing < 0.5)) {
    throw new Error('labelSmoothing must be in [0, 0.5)');
  }
  if (!(cfg.rpoAlpha >= 0)) throw new Error('rpoAlpha must be ≥ 0');
  if (!Number.isFinite(cfg.simpoGamma)) throw new Error('simpoGamma must be finite');
}
