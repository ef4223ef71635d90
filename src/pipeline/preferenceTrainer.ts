/**
 * The DPO training loop, model-agnostic and UI-free: it owns the optimiser, the batch order
 * and π_ref's cached log-probs, and reports through return values; the worker (or a Node
 * script) decides when to step, log and evaluate.
 */
import { NEEDS_REFERENCE, type PreferenceLossConfig } from '../objectives/losses';
import { type CollateOptions, collatePairs, type TokenizedPair } from './collate';
import type { OptimConfig } from './optim';
import {
  type CachedLogps,
  preferenceLossFn,
  readStep,
  referenceLogps,
  type StepReadout,
} from './preferenceStep';
import { batchTensors, type CausalLM, disposeBatch } from './train/tensors';
import { Trainer } from './train/trainer';

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
function firstNonFinite(r: StepReadout): { quantity: string; value: number } | null {
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

export class PreferenceTrainer extends Trainer {
  private lastLogTime = performance.now();
  private pairsSinceLog = 0;

  constructor(
    private readonly policy: CausalLM,
    private pairs: TokenizedPair[],
    private reference: PairReference[] | null,
    private cfg: PreferenceRunConfig,
    private readonly collate: CollateOptions,
  ) {
    super(cfg.optim, cfg.batchSize, cfg.seed, pairs.length);
    if (NEEDS_REFERENCE[cfg.loss.type] && reference?.length !== pairs.length) {
      throw new Error(`${cfg.loss.type} needs π_ref log-probs for every pair`);
    }
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
    this.resetOrder(pairs.length, seed, startStep);
    this.pairs = pairs;
    this.reference = reference;
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
    this.optim = this.cfg.optim;
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
    const lr = this.scheduleLr();
    const t = batchTensors(batch);
    const packed = this.applyUpdate(
      this.policy,
      preferenceLossFn(this.policy, t, cached, this.cfg.loss, B),
    );
    disposeBatch(t);
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
}
