/**
 * The DPO training loop, model-agnostic and UI-free: it owns the optimiser, the batch order
 * and π_ref's cached log-probs, and reports through return values; the worker (or a Node
 * script) decides when to step, log and evaluate.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../model/rng';
import { NEEDS_REFERENCE, type PreferenceLossConfig } from '../objectives/losses';
import { type CollateOptions, collatePairs, type TokenizedPair } from './collate';
import { learningRateAt, makeOptimizer, type OptimConfig, setLearningRate } from './optim';
import {
  batchTensors,
  type CachedLogps,
  type CausalLM,
  preferenceStep,
  readStep,
  referenceLogps,
  type StepReadout,
} from './preferenceStep';

export interface PreferenceRunConfig {
  loss: PreferenceLossConfig;
  optim: OptimConfig;
  /** Pairs per step (B); the forward sees 2B rows. */
  batchSize: number;
  seed: number;
}

/** π_ref's summed log-prob and token count of one pair's chosen and rejected completions. */
export interface PairReference {
  chosen: number;
  rejected: number;
  chosenCount: number;
  rejectedCount: number;
}

/** One logged step: metrics and the per-pair view of its batch (the step inspector). */
export interface StepLog extends StepReadout {
  step: number;
  lr: number;
  beta: number;
  /** Indices into the dataset of the batch's pairs. */
  indices: number[];
  reference: PairReference[];
  /** Pairs per second over the steps since the previous log. */
  pairsPerSecond: number;
}

/** π_ref's log-probs of every pair, computed once in batches (TRL precompute_ref_log_probs). */
export async function precomputeReference(
  reference: CausalLM,
  pairs: TokenizedPair[],
  collate: CollateOptions,
  batchSize: number,
  onProgress?: (done: number, total: number) => void,
): Promise<PairReference[]> {
  const out: PairReference[] = [];
  for (let i = 0; i < pairs.length; i += batchSize) {
    const chunk = pairs.slice(i, i + batchSize);
    const c = await referenceLogps(reference, collatePairs(chunk, collate));
    const B = chunk.length;
    for (let j = 0; j < B; j++) {
      out.push({
        chosen: c.sum[j] ?? Number.NaN,
        rejected: c.sum[B + j] ?? Number.NaN,
        chosenCount: c.count[j] ?? 0,
        rejectedCount: c.count[B + j] ?? 0,
      });
    }
    onProgress?.(out.length, pairs.length);
  }
  return out;
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

/** The first non-finite value of a step's readout (metrics, then per-pair values), or null. */
export function firstNonFinite(r: StepReadout): { quantity: string; value: number } | null {
  for (const [quantity, value] of Object.entries(r.metrics)) {
    if (!Number.isFinite(value)) return { quantity, value };
  }
  const perPair: [string, number[]][] = [
    ['logps/chosen of a pair', r.policyChosen],
    ['logps/rejected of a pair', r.policyRejected],
    ['loss of a pair', r.losses],
  ];
  for (const [quantity, values] of perPair) {
    const value = values.find((v) => !Number.isFinite(v));
    if (value !== undefined) return { quantity, value };
  }
  return null;
}

export class PreferenceTrainer {
  step = 0;
  private optimizer: tf.Optimizer;
  private order: number[] = [];
  private cursor = 0;
  private rand: () => number;
  /** The step at which the current pairs were set (0, or an online round's first step). */
  private dataStart = 0;
  private dataSeed: number;
  private lastLogTime = performance.now();
  private pairsSinceLog = 0;

  constructor(
    private readonly policy: CausalLM,
    private pairs: TokenizedPair[],
    private reference: PairReference[] | null,
    private cfg: PreferenceRunConfig,
    private readonly collate: CollateOptions,
  ) {
    if (pairs.length === 0) throw new Error('no preference pairs to train on');
    if (NEEDS_REFERENCE[cfg.loss.type] && reference?.length !== pairs.length) {
      throw new Error(`${cfg.loss.type} needs π_ref log-probs for every pair`);
    }
    this.optimizer = makeOptimizer(cfg.optim);
    this.dataSeed = cfg.seed;
    this.rand = mulberry32(cfg.seed);
  }

  /**
   * New pairs from the next step on (an online round): a fresh seeded batch order, the
   * optimizer's state kept. `seed` seeds the order; `startStep` is the step they start at.
   */
  setData(
    pairs: TokenizedPair[],
    reference: PairReference[] | null,
    seed: number,
    startStep = this.step,
  ): void {
    if (pairs.length === 0) throw new Error('no preference pairs to train on');
    if (NEEDS_REFERENCE[this.cfg.loss.type] && reference?.length !== pairs.length) {
      throw new Error(`${this.cfg.loss.type} needs π_ref log-probs for every pair`);
    }
    this.pairs = pairs;
    this.reference = reference;
    this.dataSeed = seed;
    this.dataStart = startStep;
    this.rand = mulberry32(seed);
    this.order = [];
    this.cursor = 0;
  }

  /** π_ref's cached log-probs replaced (a TR-DPO refresh); same pairs, same batch order. */
  setReference(reference: PairReference[]): void {
    if (reference.length !== this.pairs.length) throw new Error('one reference per pair');
    this.reference = reference;
  }

  get config(): PreferenceRunConfig {
    return this.cfg;
  }

  /** Changes take effect at the next step (β and lr are editable mid-run). */
  update(patch: { loss?: Partial<PreferenceLossConfig>; optim?: Partial<OptimConfig> }): void {
    this.cfg = {
      ...this.cfg,
      loss: { ...this.cfg.loss, ...patch.loss },
      optim: { ...this.cfg.optim, ...patch.optim },
    };
  }

  /** The next batch's dataset indices: seeded shuffles, one per epoch. */
  private nextIndices(): number[] {
    const B = Math.min(this.cfg.batchSize, this.pairs.length);
    const out: number[] = [];
    while (out.length < B) {
      if (this.cursor >= this.order.length) {
        this.order = shuffled(this.pairs.length, this.rand);
        this.cursor = 0;
      }
      out.push(this.order[this.cursor++] ?? 0);
    }
    return out;
  }

  /**
   * One update; reads the metrics back (a GPU sync) only when `log` is set, and then throws
   * NonFiniteError if any of them is NaN or ±∞ (no extra read on other steps).
   */
  async trainStep(log: boolean): Promise<StepLog | null> {
    const indices = this.nextIndices();
    const B = indices.length;
    const batch = collatePairs(
      indices.map((i) => this.pairs[i] as TokenizedPair),
      this.collate,
    );
    const refs = this.reference ? indices.map((i) => this.reference?.[i] as PairReference) : null;
    const cached: CachedLogps | null = refs
      ? {
          sum: Float32Array.from([...refs.map((r) => r.chosen), ...refs.map((r) => r.rejected)]),
          count: Float32Array.from([
            ...refs.map((r) => r.chosenCount),
            ...refs.map((r) => r.rejectedCount),
          ]),
        }
      : null;
    const lr = learningRateAt(this.step, this.cfg.optim);
    setLearningRate(this.optimizer, lr);
    const t = batchTensors(batch);
    const packed = preferenceStep(
      this.policy,
      this.optimizer,
      t,
      cached,
      { loss: this.cfg.loss, maxGradNorm: this.cfg.optim.maxGradNorm },
      B,
    );
    tf.dispose([t.ids, t.attentionMask, t.completionMask]);
    this.step++;
    this.pairsSinceLog += B;
    if (!log) {
      packed.dispose();
      return null;
    }
    const readout = await readStep(packed, B);
    packed.dispose();
    const bad = firstNonFinite(readout);
    if (bad) throw new NonFiniteError(this.step, bad.quantity, bad.value);
    const now = performance.now();
    const pairsPerSecond = (1000 * this.pairsSinceLog) / Math.max(1, now - this.lastLogTime);
    this.lastLogTime = now;
    this.pairsSinceLog = 0;
    return {
      ...readout,
      step: this.step,
      lr,
      beta: this.cfg.loss.beta,
      indices,
      reference: refs ?? [],
      pairsPerSecond,
    };
  }

  /** The optimizer's variables (iterations first, then its slots), read back for a checkpoint. */
  async optimizerState(): Promise<NamedArray[]> {
    const weights = await this.optimizer.getWeights();
    const out: NamedArray[] = [];
    for (const w of weights) {
      const data = Float32Array.from(await w.tensor.data());
      out.push({ name: w.name, shape: w.tensor.shape.slice(), data });
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
  async restore(step: number, optimizer: NamedArray[]): Promise<void> {
    // A fresh optimizer: setWeights would leave the old slots (and a step-0 restore has none).
    this.optimizer.dispose();
    this.optimizer = makeOptimizer(this.cfg.optim);
    if (optimizer.length) {
      // setWeights copies each tensor into a new variable and keeps no reference to it.
      const named = optimizer.map((w) => ({ name: w.name, tensor: tf.tensor(w.data, w.shape) }));
      await this.optimizer.setWeights(named);
      tf.dispose(named.map((w) => w.tensor));
    }
    this.order = [];
    this.cursor = 0;
    this.rand = mulberry32(this.dataSeed);
    for (let i = this.dataStart; i < step; i++) this.nextIndices();
    this.step = step;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/** A named float32 array with its shape (optimizer slots in a checkpoint). */
export type NamedArray = { name: string; shape: number[]; data: Float32Array };

function shuffled(n: number, rand: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j] ?? 0, a[i] ?? 0];
  }
  return a;
}
