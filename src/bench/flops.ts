/**
 * Model FLOPs of one training step, counted as the bench reports them. Pure.
 *
 * Per token of a row padded to T, with L layers, width C, vocab V:
 * - matMul weights N_mm = L·12·C² (+ biases, counted like weights: L·13·C) + V·C (the tied
 *   LM head); the position table is a lookup, not a matMul, so it is left out;
 * - forward 2·N_mm, backward 4·N_mm → 6·N_mm (Kaplan et al. 2020, C ≈ 6N);
 * - attention scores QKᵀ and the weighted sum A·V: 2·2·T·C forward per layer (the full T×T
 *   square tfjs computes, not the causal half), ×3 with the backward → 12·L·T·C.
 * FLOPs/step = rows·T · (6·N_mm + 12·L·T·C). The cached π_ref costs nothing per step.
 */
import type { GPTConfig } from '../model/config';

type Shape = Pick<GPTConfig, 'nLayer' | 'nEmbd' | 'vocabSize'>;

/** Parameters that take part in a matMul per token: blocks' weights and biases, tied head. */
export function matmulParams(cfg: Shape): number {
  const { nLayer: L, nEmbd: C, vocabSize: V } = cfg;
  // c_attn C·3C + 3C, attn c_proj C·C + C, c_fc C·4C + 4C, mlp c_proj 4C·C + C.
  return L * (12 * C * C + 9 * C) + V * C;
}

/** Training FLOPs (forward + backward) of `rows` sequences padded to T tokens. */
export function trainStepFlops(cfg: Shape, rows: number, T: number): number {
  const perToken = 6 * matmulParams(cfg) + 12 * cfg.nLayer * T * cfg.nEmbd;
  return rows * T * perToken;
}

/** FLOPs of one [M, K] × [K, N] matMul: a multiply and an add per term. */
export function matmulFlops(M: number, K: number, N: number): number {
  return 2 * M * K * N;
}

/** GFLOP/s of `flops` done in `ms` milliseconds. */
export function gflops(flops: number, ms: number): number {
  return flops / (ms * 1e6);
}
