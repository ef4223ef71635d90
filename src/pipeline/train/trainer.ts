/**
 * The trainer base every algorithm shares: the optimiser and its learning-rate schedule, the
 * seeded epoch sampler over the training items, and snapshot/restore of the optimiser state.
 * An algorithm keeps only its loss closure (handed to `applyUpdate`) and its metric keys.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../model/rng';
import { type NamedCpuTensor, toCpu } from '../../model/weights';
import { learningRateAt, makeOptimizer, type OptimConfig, setLearningRate } from '../optim';
import { epochSampler } from './epochs';
import { type LossOutput, updateStep } from './updateStep';

export interface TrainerConfig {
  optim: OptimConfig;
  /** Items (pairs, sequences) per step. */
  batchSize: number;
  seed: number;
}

export abstract class Trainer {
  /** Updates so far; the schedule's step counts from 0. */
  step = 0;
  protected optimizer: tf.Optimizer;
  private nextBatch: () => number[];
  private items: number;
  /** The step at which the current items were set (0, or an online round's first step). */
  private dataStart = 0;
  private dataSeed: number;

  protected constructor(
    protected optim: OptimConfig,
    private readonly batchSize: number,
    seed: number,
    items: number,
  ) {
    if (items === 0) throw new Error('no preference pairs to train on');
    this.optimizer = makeOptimizer(optim);
    this.items = items;
    this.dataSeed = seed;
    this.nextBatch = epochSampler(items, batchSize, mulberry32(seed));
  }

  /** The next batch's item indices: seeded shuffles, one per epoch. */
  protected nextIndices(): number[] {
    return this.nextBatch();
  }

  /** New items from `startStep` on: a fresh order seeded by `seed`; the optimiser is kept. */
  protected resetOrder(items: number, seed: number, startStep: number): void {
    if (items === 0) throw new Error('no preference pairs to train on');
    this.items = items;
    this.dataSeed = seed;
    this.dataStart = startStep;
    this.nextBatch = epochSampler(items, this.batchSize, mulberry32(seed));
  }

  /** Sets this step's learning rate (warm-up, then constant) and returns it. */
  protected scheduleLr(): number {
    const lr = learningRateAt(this.step, this.optim);
    setLearningRate(this.optimizer, lr);
    return lr;
  }

  /** One clipped update by the loss closure; packed [...report, grad_norm] (see updateStep). */
  protected applyUpdate(
    model: { variables(): tf.Variable[] },
    lossFn: () => LossOutput,
  ): tf.Tensor1D {
    const packed = updateStep(model, this.optimizer, lossFn, this.optim.maxGradNorm);
    this.step++;
    return packed;
  }

  /** The optimizer's variables (iterations first, then its slots), read back for a checkpoint. */
  async optimizerState(): Promise<NamedCpuTensor[]> {
    const out: NamedCpuTensor[] = [];
    for (const w of await this.optimizer.getWeights()) {
      out.push({ name: w.name, ...(await toCpu(w.tensor)) });
      // The slots are the optimizer's own variables; the iteration count is a fresh scalar.
      if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
    }
    return out;
  }

  /**
   * Continues from a checkpoint taken after `step` steps: a fresh optimizer takes the saved
   * slots (none at step 0) and the seeded batch order is replayed, so the next batches are the
   * ones it would have seen. Also rolls back a trainer that went past `step`.
   */
  async restore(step: number, optimizer: NamedCpuTensor[]): Promise<void> {
    // A fresh optimizer: setWeights would leave the old slots (and a step-0 restore has none).
    this.optimizer.dispose();
    this.optimizer = makeOptimizer(this.optim);
    if (optimizer.length) {
      // setWeights copies each tensor into a new variable and keeps no reference to it.
      const named = optimizer.map((w) => ({ name: w.name, tensor: tf.tensor(w.data, w.shape) }));
      await this.optimizer.setWeights(named);
      tf.dispose(named.map((w) => w.tensor));
    }
    this.nextBatch = epochSampler(this.items, this.batchSize, mulberry32(this.dataSeed));
    for (let i = this.dataStart; i < step; i++) this.nextBatch();
    this.step = step;
  }

  /** Frees the optimiser state (not the model). */
  dispose(): void {
    this.optimizer.dispose();
  }
}
