/**
 * The template trainer every algorithm shares. One step is
 *
 *   items = prepare()                     the step's batch (PPO: a scored rollout)
 *   for lossFn of losses(items):          one clipped update each (PPO: K epochs × minibatches)
 *     lr = learningRate(updates); updateStep(lossFn)
 *   afterUpdates(items)                   state every step needs (PPO: the KL controller)
 *   log ? report(mean of the packed values) : nothing read
 *
 * and a log step's values are checked: a NaN or ±∞ throws NonFiniteError, which the caller
 * turns into `rollback(checkpoint)` (the worker's DPO recovery, or any other algorithm's).
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../model/rng';
import { type CpuTensor, type NamedCpuTensor, toCpu } from '../../model/weights';
import { learningRateAt, makeOptimizer, type OptimConfig, setLearningRate } from '../optim';
import { epochSampler } from './epochs';
import { type LossOutput, updateStep } from './updateStep';

export interface TrainerConfig {
  optim: OptimConfig;
  /** Items (pairs, sequences, prompts) per step. */
  batchSize: number;
  seed: number;
}

/**
 * A NaN or ±∞ found where the run reads values anyway (a log step's metrics, an evaluation, a
 * checkpoint's weights): the weights after `step` steps cannot be trusted.
 */
export class NonFiniteError extends Error {
  override name = 'NonFiniteError';
  constructor(
    readonly step: number,
    /** What was read: 'loss', 'grad_norm', 'eval/kl', 'weight h.0.mlp.c_fc.w', … */
    readonly quantity: string,
    readonly value: number,
  ) {
    super(`${quantity} became ${value} at step ${step}`);
  }
}

/** Everything a trainer needs to go back to a step: its variables, optimiser and counters. */
export interface TrainerCheckpoint {
  step: number;
  updates: number;
  /** The trained variables, in `trainedVariables()` order. */
  variables: CpuTensor[];
  optimizer: NamedCpuTensor[];
  /** An algorithm's own numbers (PPO: the adaptive KL coefficient). */
  extra: number[];
}

/** What the sampler is built over: a count of items, or none (SFT draws its own windows). */
interface Draws {
  items: number | null;
  /** The error for an empty dataset. */
  empty?: string;
}

export abstract class Trainer<Items> {
  /** Steps so far (PPO: iterations). */
  step = 0;
  /** Optimiser updates so far: the learning-rate schedule's step (one per step but for PPO). */
  updates = 0;
  protected optimizer: tf.Optimizer;
  /** The batch order's stream (PPO also shuffles its minibatches with it). */
  protected rand: () => number;
  private nextBatch: () => number[];
  private items: number | null;
  /** The step at which the current items were set (0, or an online round's first step). */
  private dataStart = 0;
  private dataSeed: number;

  protected constructor(
    protected optim: OptimConfig,
    private readonly batchSize: number,
    seed: number,
    draws: Draws,
  ) {
    if (draws.items === 0) throw new Error(draws.empty ?? 'no preference pairs to train on');
    this.optimizer = makeOptimizer(optim);
    this.items = draws.items;
    this.dataSeed = seed;
    this.rand = mulberry32(seed);
    this.nextBatch = this.sampler();
  }

  /** The variables the updates change, in a fixed order (their gradients, their checkpoint). */
  protected abstract trainedVariables(): tf.Variable[];
  /** The step's items: a collated batch on the device, or PPO's scored rollout. */
  protected abstract prepare(): Items | Promise<Items>;
  /** The step's loss closures, one update each (most algorithms: one). */
  protected abstract losses(items: Items): Iterable<() => LossOutput>;
  /** A log step's metrics from the packed [...report, grad_norm], averaged over the updates. */
  protected abstract report(values: number[], items: Items, lr: number): Record<string, number>;

  /** Reports on every step, `log` or not (PPO: its rollout syncs anyway). */
  protected readonly logsEveryStep: boolean = false;

  /** Frees the step's items (after its updates). */
  protected release(_items: Items): void {}
  /** Runs after every step's updates, logged or not. */
  protected afterUpdates(_items: Items): void {}
  /** Beyond the metrics: the first non-finite per-item value of the last report, if any. */
  protected nonFiniteDetail(): { quantity: string; value: number } | null {
    return null;
  }
  /** The rate of update `update` (from 0): warm-up, then constant. */
  /** A new peak learning rate from the next update (the playground's live control). */
  setLearningRate(lr: number): void {
    this.optim = { ...this.optim, lr };
  }

  protected learningRate(update: number): number {
    return learningRateAt(update, this.optim);
  }

  /** Replays one step's draws from the streams (restore): the batch, by default. */
  protected replayDraws(): void {
    this.nextIndices();
  }
  /** Restarts the streams from their seed (restore). */
  protected resetDraws(): void {
    this.rand = mulberry32(this.dataSeed);
    this.nextBatch = this.sampler();
  }
  protected extraState(): number[] {
    return [];
  }
  protected restoreExtra(_extra: number[]): void {}

  private sampler(): () => number[] {
    const n = this.items;
    if (n === null) return () => [];
    return epochSampler(n, this.batchSize, this.rand);
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
    this.resetDraws();
  }

  /**
   * One step; reads the metrics back (a GPU sync) only when `log` is set, and then throws
   * NonFiniteError if any is NaN or ±∞ (no extra read on other steps).
   */
  async trainStep(log: boolean): Promise<Record<string, number> | null> {
    const items = await this.prepare();
    const vars = this.trainedVariables();
    let sum: tf.Tensor1D | null = null;
    let count = 0;
    let lr = Number.NaN;
    try {
      for (const lossFn of this.losses(items)) {
        lr = this.learningRate(this.updates);
        setLearningRate(this.optimizer, lr);
        const packed = updateStep(
          { variables: () => vars },
          this.optimizer,
          lossFn,
          this.optim.maxGradNorm,
        );
        this.updates++;
        const next: tf.Tensor1D = sum ? tf.add(sum, packed) : packed;
        if (sum) tf.dispose([sum, packed]);
        sum = next;
        count++;
      }
    } finally {
      this.release(items);
    }
    this.step++;
    this.afterUpdates(items);
    if (!(log || this.logsEveryStep) || !sum) {
      sum?.dispose();
      return null;
    }
    const values = Array.from(await sum.data()).map((v) => v / count);
    sum.dispose();
    const metrics = this.report(values, items, lr);
    for (const [quantity, value] of Object.entries(metrics)) {
      if (!Number.isFinite(value)) throw new NonFiniteError(this.step, quantity, value);
    }
    const bad = this.nonFiniteDetail();
    if (bad) throw new NonFiniteError(this.step, bad.quantity, bad.value);
    return metrics;
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
   * Continues from a checkpoint taken after `step` steps (`updates` updates): a fresh optimizer
   * takes the saved slots (none at step 0) and the seeded draws are replayed, so the next
   * batches are the ones it would have seen. Also rolls back a trainer that went past `step`.
   */
  async restore(step: number, optimizer: NamedCpuTensor[], updates = step): Promise<void> {
    // A fresh optimizer: setWeights would leave the old slots (and a step-0 restore has none).
    this.optimizer.dispose();
    this.optimizer = makeOptimizer(this.optim);
    if (optimizer.length) {
      // setWeights copies each tensor into a new variable and keeps no reference to it.
      const named = optimizer.map((w) => ({ name: w.name, tensor: tf.tensor(w.data, w.shape) }));
      await this.optimizer.setWeights(named);
      tf.dispose(named.map((w) => w.tensor));
    }
    this.resetDraws();
    for (let i = this.dataStart; i < step; i++) this.replayDraws();
    this.step = step;
    this.updates = updates;
  }

  /** The trained variables, optimiser and counters now (a GPU read); NonFiniteError if bad. */
  async checkpoint(): Promise<TrainerCheckpoint> {
    const variables: CpuTensor[] = [];
    for (const v of this.trainedVariables()) variables.push(await toCpu(v));
    const cp: TrainerCheckpoint = {
      step: this.step,
      updates: this.updates,
      variables,
      optimizer: await this.optimizerState(),
      extra: this.extraState(),
    };
    const arrays: [string, Float32Array][] = [
      ...variables.map((v, i): [string, Float32Array] => [`variable ${i}`, v.data]),
      ...cp.optimizer.map((w): [string, Float32Array] => [`optimizer slot ${w.name}`, w.data]),
    ];
    for (const [quantity, data] of arrays) {
      for (const x of data) if (!Number.isFinite(x)) throw new NonFiniteError(cp.step, quantity, x);
    }
    return cp;
  }

  /** Back to a checkpoint of this trainer: after a NonFiniteError, the last good state. */
  async rollback(cp: TrainerCheckpoint): Promise<void> {
    const vars = this.trainedVariables();
    if (vars.length !== cp.variables.length) throw new Error('checkpoint of another trainer');
    vars.forEach((v, i) => {
      const c = cp.variables[i] as CpuTensor;
      const t = tf.tensor(c.data, c.shape);
      v.assign(t);
      t.dispose();
    });
    await this.restore(cp.step, cp.optimizer, cp.updates);
    this.restoreExtra(cp.extra);
  }

  /** Frees the optimiser state (not the model). */
  dispose(): void {
    this.optimizer.dispose();
  }
}
