/** Optimisers and the learning-rate schedule of the reference DPO code. */
import * as tf from '@tensorflow/tfjs';
import { FusedAdam } from './fusedAdam';

type OptimizerKind = 'adam' | 'rmsprop';

export interface OptimConfig {
  kind: OptimizerKind;
  /** Peak learning rate (paper: 1e-6 on GPT-2-large; 1e-4..1e-3 suits tiny models). */
  lr: number;
  /** Linear warm-up from 0 to lr over this many steps (reference code: 150). */
  warmupSteps: number;
  /** Global grad-norm clip (reference code: 10). */
  maxGradNorm: number;
}

export const DEFAULT_OPTIM: OptimConfig = {
  kind: 'adam',
  lr: 1e-3,
  warmupSteps: 10,
  maxGradNorm: 10,
};

export function makeOptimizer(cfg: OptimConfig): tf.Optimizer {
  // FusedAdam is tf.train.adam(lr), with a one-kernel update on the WASM backend.
  return cfg.kind === 'adam' ? new FusedAdam(cfg.lr) : tf.train.rmsprop(cfg.lr);
}

/** Linear warm-up, then constant (the reference code's LambdaLR). step counts from 0. */
export function learningRateAt(step: number, cfg: Pick<OptimConfig, 'lr' | 'warmupSteps'>): number {
  if (cfg.warmupSteps <= 0) return cfg.lr;
  return cfg.lr * Math.min(1, (step + 1) / cfg.warmupSteps);
}

/**
 * Sets the rate used by the next applyGradients. tfjs reads `learningRate` on every update
 * but declares it protected; this is the one place that reaches in.
 */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  (opt as unknown as { learningRate: number }).learningRate = lr;
}
