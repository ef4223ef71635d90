/**
 * PPO for language models as in Ziegler et al. 2019 ("Fine-Tuning Language Models from Human
 * Preferences") and TRL's PPOTrainer: per-token rewards with a KL penalty, GAE, whitened
 * advantages, the clipped surrogate and clipped value losses (Schulman et al. 2017), and the
 * adaptive KL coefficient. Rollout quantities are plain rows [N][L] (completion tokens,
 * right-padded, mask 1 on real tokens): no gradient flows through them. The losses are
 * tensors, as gradients flow through the new log-probs and values.
 */
import * as tf from '@tensorflow/tfjs';

export type Rows = number[][];

export interface TokenRewards {
  /** r_t = −β·(log π_θ − log π_ref) on real tokens, plus the score on the last one: [N][L]. */
  rewards: Rows;
  /** The KL-penalty part alone, −β·(log π_θ − log π_ref): [N][L]. */
  nonScoreRewards: Rows;
  /** Per row, the sampled sequence KL Σ_t (log π_θ − log π_ref): [N]. */
  kl: number[];
}

/** Index of a row's last real token; throws on a row with none. */
function lastReal(mask: number[], row: number): number {
  for (let t = mask.length - 1; t >= 0; t--) if (mask[t]) return t;
  throw new Error(`row ${row} has no completion tokens`);
}

/** Per-token rewards (TRL compute_rewards): the sequence score lands on the last real token. */
export function klPenalizedRewards(
  logps: Rows,
  refLogps: Rows,
  mask: Rows,
  scores: number[],
  klCoef: number,
): TokenRewards {
  const kl: number[] = [];
  const nonScoreRewards = mask.map((m, i) => {
    let sum = 0;
    const row = m.map((on, t) => {
      if (!on) return 0;
      const d = (logps[i]?.[t] ?? Number.NaN) - (refLogps[i]?.[t] ?? Number.NaN);
      sum += d;
      return -klCoef * d;
    });
    kl.push(sum);
    return row;
  });
  const rewards = nonScoreRewards.map((row, i) => {
    const out = [...row];
    const last = lastReal(mask[i] ?? [], i);
    out[last] = (out[last] ?? 0) + (scores[i] ?? Number.NaN);
    return out;
  });
  return { rewards, nonScoreRewards, kl };
}

/**
 * Generalised advantage estimation (Schulman et al. 2016), per row from the end:
 *   δ_t = r_t + γ·V_{t+1} − V_t,  A_t = δ_t + γλ·A_{t+1},  returns R_t = A_t + V_t,
 * with V and A taken as 0 past a row's last real token (the episode ends there). Padding
 * positions get A = R = 0.
 */
export function gae(
  rewards: Rows,
  values: Rows,
  mask: Rows,
  gamma: number,
  lambda: number,
): { advantages: Rows; returns: Rows } {
  const advantages: Rows = [];
  const returns: Rows = [];
  mask.forEach((m, i) => {
    const L = m.length;
    const adv = new Array<number>(L).fill(0);
    const ret = new Array<number>(L).fill(0);
    let nextValue = 0;
    let nextAdv = 0;
    for (let t = L - 1; t >= 0; t--) {
      if (!m[t]) {
        nextValue = 0;
        nextAdv = 0;
        continue;
      }
      const v = values[i]?.[t] ?? Number.NaN;
      const delta = (rewards[i]?.[t] ?? Number.NaN) + gamma * nextValue - v;
      nextAdv = delta + gamma * lambda * nextAdv;
      nextValue = v;
      adv[t] = nextAdv;
      ret[t] = nextAdv + v;
    }
    advantages.push(adv);
    returns.push(ret);
  });
  return { advantages, returns };
}

/**
 * (x − mean)/√(var + 1e-8) over the real tokens (TRL masked_whiten; population variance);
 * with shiftMean false the mean is added back. Padding stays 0.
 */
export function whiten(x: Rows, mask: Rows, shiftMean = true): Rows {
  let n = 0;
  let sum = 0;
  mask.forEach((m, i) => {
    m.forEach((on, t) => {
      if (on) {
        n++;
        sum += x[i]?.[t] ?? Number.NaN;
      }
    });
  });
  if (n === 0) return x.map((row) => row.map(() => 0));
  const mean = sum / n;
  let sq = 0;
  mask.forEach((m, i) => {
    m.forEach((on, t) => {
      if (on) sq += ((x[i]?.[t] ?? Number.NaN) - mean) ** 2;
    });
  });
  const scale = 1 / Math.sqrt(sq / n + 1e-8);
  return mask.map((m, i) =>
    m.map((on, t) => {
      if (!on) return 0;
      const z = ((x[i]?.[t] ?? Number.NaN) - mean) * scale;
      return shiftMean ? z : z + mean;
    }),
  );
}

/** Σ(x·mask) / max(Σ mask, 1): x, mask [N, L] → scalar. */
export function maskedMean(x: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(x, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar);
}

export type ClippedPolicyLoss = {
  /** mean_t max(−A·ρ, −A·clip(ρ, 1−ε, 1+ε)), ρ = π_θ/π_old: the negated PPO-clip objective. */
  loss: tf.Scalar;
  /** Fraction of tokens where the clipped term is the larger (its gradient is zero there). */
  clipfrac: tf.Scalar;
  /** ½·mean_t (log π_θ − log π_old)² (TRL's approxkl). */
  approxKl: tf.Scalar;
};

/** PPO's clipped surrogate (Schulman et al. 2017, Eq. 7). All inputs [N, L]. */
export function clippedPolicyLoss(
  logps: tf.Tensor2D,
  oldLogps: tf.Tensor2D,
  advantages: tf.Tensor2D,
  mask: tf.Tensor2D,
  clipRange: number,
): ClippedPolicyLoss {
  return tf.tidy((): ClippedPolicyLoss => {
    // Zeroed on padding, so no exp overflow there can turn 0·∞ into NaN.
    const logRatio = tf.mul(tf.sub(logps, oldLogps), mask);
    const ratio = tf.exp(logRatio);
    const unclipped = tf.mul(tf.neg(advantages), ratio);
    const clipped = tf.mul(tf.neg(advantages), tf.clipByValue(ratio, 1 - clipRange, 1 + clipRange));
    return {
      // On ties tf.maximum routes the gradient to its first input, the unclipped term.
      loss: maskedMean(tf.maximum(unclipped, clipped), mask),
      clipfrac: maskedMean(tf.step(tf.sub(clipped, unclipped)), mask),
      approxKl: tf.mul(0.5, maskedMean(tf.square(logRatio), mask)) as tf.Scalar,
    };
  });
}

export type ClippedValueLoss = {
  /** ½·mean_t max((V − R)², (V_clip − R)²), V_clip = V_old + clip(V − V_old, ±ε_v). */
  loss: tf.Scalar;
  /** Fraction of tokens where the clipped error is the larger. */
  clipfrac: tf.Scalar;
};

/** PPO's clipped value loss (as in OpenAI baselines and TRL). All inputs [N, L]. */
export function clippedValueLoss(
  values: tf.Tensor2D,
  oldValues: tf.Tensor2D,
  returns: tf.Tensor2D,
  mask: tf.Tensor2D,
  clipRangeValue: number,
): ClippedValueLoss {
  return tf.tidy((): ClippedValueLoss => {
    const vClipped = tf.add(
      oldValues,
      tf.clipByValue(tf.sub(values, oldValues), -clipRangeValue, clipRangeValue),
    );
    const unclipped = tf.square(tf.sub(values, returns));
    const clipped = tf.square(tf.sub(vClipped, returns));
    return {
      loss: tf.mul(0.5, maskedMean(tf.maximum(unclipped, clipped), mask)) as tf.Scalar,
      clipfrac: maskedMean(tf.step(tf.sub(clipped, unclipped)), mask),
    };
  });
}

/** The KL-penalty coefficient β, updated once per PPO iteration. */
export interface KlController {
  readonly value: number;
  /** currentKl: the batch's mean sequence KL; nSteps: the samples it came from. */
  update(currentKl: number, nSteps: number): void;
}

export class FixedKlController implements KlController {
  constructor(readonly value: number) {}
  update(): void {}
}

/**
 * Ziegler et al. 2019 (TRL's AdaptiveKLController): e = clip(KL/target − 1, ±0.2),
 * β ← β·(1 + e·nSteps/horizon); β grows while the KL overshoots the target, shrinks below it.
 */
export class AdaptiveKlController implements KlController {
  value: number;

  constructor(
    init: number,
    readonly target: number,
    readonly horizon: number,
  ) {
    if (!(target > 0) || !(horizon > 0)) throw new Error('target and horizon must be > 0');
    this.value = init;
  }

  update(currentKl: number, nSteps: number): void {
    const error = Math.min(0.2, Math.max(-0.2, currentKl / this.target - 1));
    this.value *= 1 + (error * nSteps) / this.horizon;
  }
}

/**
 * The controller's horizon scaled to the run: totalRollouts / adjustments. TRL's fixed 10,000
 * is sized for runs of 10^5–10^6 episodes; a browser run of 80 iterations × 16 rollouts moves β
 * by at most (1 + 0.2·16/10⁴)^80 ≈ 1.026×, so klTarget does nothing. With the horizon a fraction
 * 1/k of the run, β can move by up to (1 ± 0.2·k/I)^I ≈ e^{±0.2k} over I iterations
 * (k = 8: ×5 up, ×0.2 down) and follows a KL that overshoots or undershoots its target.
 */
const KL_HORIZON_ADJUSTMENTS = 8;

export function runScaledKlHorizon(
  iterations: number,
  rolloutsPerIteration: number,
  adjustments = KL_HORIZON_ADJUSTMENTS,
): number {
  if (!(iterations >= 1 && rolloutsPerIteration >= 1 && adjustments > 0)) {
    throw new Error('need iterations ≥ 1, rolloutsPerIteration ≥ 1 and adjustments > 0');
  }
  return (iterations * rolloutsPerIteration) / adjustments;
}
