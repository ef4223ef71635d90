/**
 * The DPO training loop, model-agnostic and UI-free: it owns the optimiser, the batch order
 * and π_ref's cached log-probs, and reports through return values; the worker (or a Node
 * script) decides when to step, log and evaluate.
 */

import { NEEDS_REFERENCE, type PreferenceLossConfig } from '../objectives/losses';
import { type CollateOptions, collatePairs, type TokenizedPair } from './collate';
import type { OptimConfig } from './optim';
import type { PairText } from './preferenceData';
import {
  type CachedLogps,
  parseStep,
  preferenceLossFn,
  referenceLogps,
  type StepReadout,
} from './preferenceStep';
import { type BatchTensors, batchTensors, type CausalLM, disposeBatch } from './train/tensors';
import { Trainer } from './train/trainer';
import type { InspectorPair } from './views';

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

/** One logged step's per-pair view of its batch (the step inspector), and its β and speed. */
export interface StepDetail extends StepReadout {
  beta: number;
  /** Indices into the dataset of the batch's pairs. */
  indices: number[];
  reference: PairReference[];
  /** Pairs per second over the steps since the previous log. */
  pairsPerSecond: number;
}

/** The step inspector's rows of a logged step's batch (`texts`: the dataset's pair texts). */
export function inspectorView(r: StepDetail, texts: readonly PairText[]): InspectorPair[] {
  return r.indices.map((index, i) => ({
    index,
    ...(texts[index] ?? { prompt: '', chosen: '', rejected: '' }),
    policyChosen: r.policyChosen[i] ?? Number.NaN,
    policyRejected: r.policyRejected[i] ?? Number.NaN,
    refChosen: r.reference[i]?.chosen ?? Number.NaN,
    refRejected: r.reference[i]?.rejected ?? Number.NaN,
    loss: r.losses[i] ?? Number.NaN,
    beta: r.beta,
    rewardChosen: r.rewardsChosen[i] ?? Number.NaN,
    rewardRejected: r.rewardsRejected[i] ?? Number.NaN,
  }));
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

/** A step's batch: which pairs, their tensors, and π_ref's cached values of them. */
interface PairStep {
  indices: number[];
  t: BatchTensors;
  cached: CachedLogps | null;
  refs: PairReference[] | null;
}

export class PreferenceTrainer extends Trainer<PairStep> {
  private lastLogTime = performance.now();
  private pairsSinceLog = 0;
  /** The last log step's per-pair detail (the step inspector); null before one. */
  lastDetail: StepDetail | null = null;

  constructor(
    private readonly policy: CausalLM,
    private pairs: TokenizedPair[],
    private reference: PairReference[] | null,
    private cfg: PreferenceRunConfig,
    private readonly collate: CollateOptions,
  ) {
    super(cfg.optim, cfg.batchSize, cfg.seed, { items: pairs.length });
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

  protected trainedVariables() {
    return this.policy.variables();
  }

  protected prepare(): PairStep {
    const indices = this.nextIndices();
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
    this.pairsSinceLog += indices.length;
    return { indices, t: batchTensors(batch), cached, refs };
  }

  protected *losses(s: PairStep) {
    yield preferenceLossFn(this.policy, s.t, s.cached, this.cfg.loss, s.indices.length);
  }

  protected override release(s: PairStep): void {
    disposeBatch(s.t);
  }

  /** Metrics and learning_rate; the per-pair view goes to `lastDetail`. */
  protected report(values: number[], s: PairStep, lr: number): Record<string, number> {
    const readout = parseStep(values, s.indices.length);
    const now = performance.now();
    const pairsPerSecond = (1000 * this.pairsSinceLog) / Math.max(1, now - this.lastLogTime);
    this.lastLogTime = now;
    this.pairsSinceLog = 0;
    this.lastDetail = {
      ...readout,
      beta: this.cfg.loss.beta,
      indices: s.indices,
      reference: s.refs ?? [],
      pairsPerSecond,
    };
    return { ...readout.metrics, learning_rate: lr };
  }

  /** The first non-finite per-pair value of the last log step (after its metrics). */
  protected override nonFiniteDetail(): { quantity: string; value: number } | null {
    const d = this.lastDetail;
    if (!d) return null;
    const perPair: [string, number[]][] = [
      ['logps/chosen of a pair', d.policyChosen],
      ['logps/rejected of a pair', d.policyRejected],
      ['loss of a pair', d.losses],
    ];
    for (const [quantity, values] of perPair) {
      const value = values.find((v) => !Number.isFinite(v));
      if (value !== undefined) return { quantity, value };
    }
    return null;
  }
}
