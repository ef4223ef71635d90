/**
 * A whole DPO run on a sentiment-style task, as in the paper's Task 1: sample K completions
 * per prompt from π_ref, label pairs with the ground-truth reward, cache π_ref's log-probs,
 * train π_θ, and evaluate reward and KL on held-out prompts. Reports through callbacks; the
 * worker and Node scripts drive it step by step.
 */
import type { GPT } from '../model/gpt';
import { assignParams, type CpuParams, type NamedCpuTensor, readParams } from '../model/weights';
import type { BpeTokenizer } from '../tokenizer/bpe';
import type { PlaygroundTrainer } from './algorithms/algorithm';
import { evaluateDpo, type ReferenceLevel } from './dpoEvaluation';
import { type HeldOutPairs, heldOutAccuracy, heldOutPairs } from './experiments/heldOutPairs';
import { startBaseline } from './playgroundBaseline';
import { type PairText, type PreferenceData, roundSeed, samplePairs } from './preferenceData';
import {
  inspectorView,
  type PairReference,
  PreferenceTrainer,
  precomputeReference,
} from './preferenceTrainer';
import { mixWeights, refSyncDue } from './refSync';
import { type DpoRunSettings, withLiveSettings } from './settings';
import { NonFiniteError } from './train/trainer';
import type { InspectorPair, MetricPoint, PairPreview, SampleView } from './views';

export type { PairText, PreferenceData } from './preferenceData';
export { DEFAULT_DPO_SETTINGS, type DpoRunSettings } from './settings';
export { NonFiniteError } from './train/trainer';

export interface DpoRunCallbacks {
  onProgress?(
    stage: 'sampling' | 'reference' | 'reward-model' | 'evaluating',
    done: number,
    total: number,
  ): void;
  /** The pairs table: the newest round's pairs first, at most 200 rows, of `total`. */
  onPairs?(preview: PairPreview[], total: number): void;
  onMetrics?(point: MetricPoint): void;
  onSamples?(samples: SampleView[]): void;
  onInspector?(pairs: InspectorPair[]): void;
}

export interface DpoTask {
  tokenizer: BpeTokenizer;
  /** Prompt texts for the preference data and for evaluation (disjoint). */
  trainPrompts: string[];
  evalPrompts: string[];
  /**
   * The ground-truth reward r*(x, y) of a completion given its prompt text. Absent for an
   * imported dataset: pairs come from the file and evaluation reports KL only.
   */
  reward?: (completion: string, prompt: string) => number;
}

/** π_θ's weights and the optimizer's slots after `step` steps: what a resume needs. */
export interface RunSnapshot {
  step: number;
  params: CpuParams;
  optimizer: NamedCpuTensor[];
}

/**
 * What a run computed once from π_ref, kept on the CPU so that a rebuilt run (after a lost GPU
 * device) need not compute it again: the cached log-probs and π_ref's evaluation level.
 */
export interface ReferenceCache {
  refLogps: PairReference[];
  /** The online round the pairs (and refLogps) belong to; absent: round 1. */
  round?: number;
  evalReference: ReferenceLevel | null;
}

/** Where prepare starts from: given pairs, a snapshot to resume, π_ref's cached values. */
export interface PrepareFrom {
  data?: PreferenceData;
  resume?: RunSnapshot;
  cache?: ReferenceCache;
}

/** Throws NonFiniteError on the first NaN or ±∞ in a snapshot's weights or optimizer slots. */
export function assertFiniteSnapshot(snap: RunSnapshot): void {
  const arrays: [string, Float32Array][] = [
    ...Object.entries(snap.params).map(([n, p]): [string, Float32Array] => [`weight ${n}`, p.data]),
    ...snap.optimizer.map((w): [string, Float32Array] => [`optimizer slot ${w.name}`, w.data]),
  ];
  for (const [quantity, data] of arrays) {
    for (const v of data) if (!Number.isFinite(v)) throw new NonFiniteError(snap.step, quantity, v);
  }
}

export class DpoRun {
  private evalRefLevel = Number.NaN;
  private refSamples: { text: string; reward: number; cut?: boolean }[] = [];
  /** The online round being trained (1: the pairs sampled from π_ref). */
  round = 1;
  /** Every round's pairs for the table, the newest round first. */
  private previews: PairPreview[];
  /** Fixed held-out pairs of π_ref's samples: `eval/pair_accuracy` (DPO with a reward). */
  private heldOut: HeldOutPairs | null = null;

  private constructor(
    readonly policy: GPT,
    /** The SFT model, frozen: KL in `eval/kl` is always to it. */
    readonly reference: GPT,
    /** TR-DPO's moving reference (refSyncSteps > 0), else null: π_ref is the SFT model. */
    private readonly syncRef: GPT | null,
    /** DPO's PreferenceTrainer, or another algorithm's trainer (playgroundBaseline.ts). */
    private readonly trainer: PreferenceTrainer | PlaygroundTrainer,
    readonly task: DpoTask,
    private settings: DpoRunSettings,
    /** The pairs this run trains on now (kept for saving and export). */
    public data: PreferenceData,
    private readonly cb: DpoRunCallbacks,
    private refLogps: PairReference[],
    private readonly collate: { padId: number; maxLength: number },
  ) {
    this.previews = data.preview;
  }

  /** DPO's trainer: online rounds, TR-DPO, β and the step inspector are DPO's. */
  private get dpo(): PreferenceTrainer | null {
    return this.trainer instanceof PreferenceTrainer ? this.trainer : null;
  }

  private get dpoTrainer(): PreferenceTrainer {
    if (!this.dpo) throw new Error('online rounds and TR-DPO are DPO’s');
    return this.dpo;
  }

  /** π_ref of the loss: the TR-DPO reference when refreshing, else the SFT model. */
  private get lossReference(): GPT {
    return this.syncRef ?? this.reference;
  }

  /** Online rounds: as set, for DPO where a reward can label new pairs (else 1). */
  private get rounds(): number {
    return this.task.reward && this.dpo ? Math.max(1, this.settings.rounds) : 1;
  }

  /** Steps per online round (the last round may be shorter). */
  get roundLength(): number {
    return Math.max(1, Math.ceil(this.settings.steps / this.rounds));
  }

  /** The round that step `step + 1` belongs to. */
  roundAt(step: number): number {
    return Math.min(this.rounds, Math.floor(step / this.roundLength) + 1);
  }

  private get texts(): PairText[] {
    return this.data.texts;
  }

  /**
   * π_θ and the optimizer state now, as plain arrays (a GPU read). Throws NonFiniteError
   * rather than return weights with a NaN or ±∞: a checkpoint is always a good one.
   */
  async snapshot(): Promise<RunSnapshot> {
    const params = await readParams(this.policy.params);
    const snap = { step: this.step, params, optimizer: await this.trainer.optimizerState() };
    assertFiniteSnapshot(snap);
    return snap;
  }

  /** π_ref's values computed once, on the CPU (see ReferenceCache). */
  referenceCache(): ReferenceCache {
    return {
      refLogps: this.refLogps,
      round: this.round,
      evalReference: Number.isNaN(this.evalRefLevel)
        ? null
        : { level: this.evalRefLevel, samples: this.refSamples },
    };
  }

  /**
   * Sets π_θ, the optimizer and the batch order to a snapshot's: to resume, or to roll back
   * to the last good checkpoint after a NaN.
   */
  async restore(snap: RunSnapshot): Promise<void> {
    assignParams(this.policy.params, snap.params);
    await this.trainer.restore(snap.step, snap.optimizer);
  }

  /**
   * Clones the SFT model into π_ref (frozen) and π_θ, builds the pairs (sampled and labelled,
   * unless `from.data` gives them), caches π_ref (unless `from.cache` has it) and evaluates
   * step 0. With `from.resume`, π_θ and the optimizer continue from that snapshot instead (no
   * step-0 evaluation).
   */
  static async prepare(
    sft: GPT,
    task: DpoTask,
    settings: DpoRunSettings,
    cb: DpoRunCallbacks = {},
    from: PrepareFrom = {},
  ): Promise<DpoRun> {
    const { data, resume, cache } = from;
    const reference = sft.clone(false);
    const policy = sft.clone(true);
    const isDpo = settings.algorithm === 'dpo';
    const syncRef = isDpo && settings.refSyncSteps > 0 ? sft.clone(false) : null;
    let trainer: PreferenceTrainer | PlaygroundTrainer | null = null;
    try {
      const given =
        data ??
        (await samplePairs(reference, task, settings.data, settings.seed, 1, (d, t) =>
          cb.onProgress?.('sampling', d, t),
        ));
      const { pairs, preview } = given;
      cb.onPairs?.(preview.slice(0, 200), preview.length);
      if (pairs.length === 0) throw new Error('every sampled pair was a tie: no preferences');
      const collate = { padId: task.tokenizer.eot, maxLength: sft.config.blockSize };
      // A cache from a TR-DPO run holds the moved reference's log-probs: recomputed below.
      // The other algorithms read no cached π_ref log-probs.
      const refLogps = !isDpo
        ? []
        : cache?.refLogps.length === pairs.length && !syncRef
          ? cache.refLogps
          : await precomputeReference(reference, pairs, collate, 16, (d, t) =>
              cb.onProgress?.('reference', d, t),
            );
      trainer = isDpo
        ? new PreferenceTrainer(policy, pairs, refLogps, settings, collate)
        : await startBaseline(settings, {
            sft,
            reference,
            policy,
            task,
            data: given,
            refLogps,
            collate,
            onProgress: (stage, d, t) => cb.onProgress?.(stage, d, t),
          });
      const run = new DpoRun(
        policy,
        reference,
        syncRef,
        trainer,
        task,
        settings,
        given,
        cb,
        refLogps,
        collate,
      );
      if (isDpo) run.heldOut = await heldOutPairs(reference, task, settings, collate);
      if (cache?.evalReference) {
        run.evalRefLevel = cache.evalReference.level;
        run.refSamples = cache.evalReference.samples;
      }
      if (resume) {
        await run.restore(resume);
        await run.resumeRoundAndReference(resume.step, cache?.round ?? 1);
      } else {
        if (run.rounds > 1) cb.onMetrics?.({ step: 0, phase: 'dpo', round: 1 });
        await run.evaluate(); // step 0: π_θ = π_ref
      }
      return run;
    } catch (e) {
      trainer?.dispose();
      policy.dispose();
      reference.dispose();
      syncRef?.dispose();
      throw e;
    }
  }

  get step(): number {
    return this.trainer.step;
  }

  get done(): boolean {
    return this.trainer.step >= this.settings.steps;
  }

  /** DPO's loss and optimiser settings are its trainer's (β and lr change mid-run). */
  get config(): DpoRunSettings {
    if (!this.dpo) return this.settings;
    const { loss, optim } = this.dpo.config;
    return { ...this.settings, loss, optim };
  }

  /**
   * After a restore at `step`: an online run past round 1 trains on that round's pairs (the
   * given ones when `dataRound` is that round, else sampled again from the restored π_θ), and
   * a TR-DPO reference restarts as a copy of the restored π_θ (its own history is not saved).
   */
  private async resumeRoundAndReference(step: number, dataRound: number): Promise<void> {
    const round = this.roundAt(step);
    const start = (round - 1) * this.roundLength;
    if (this.syncRef && step > 0) {
      mixWeights(this.syncRef, this.policy, 1);
    }
    if (round > 1 && round !== dataRound) {
      await this.startRound(round, start);
      await this.trainer.restore(step, await this.trainer.optimizerState());
    } else {
      if (this.syncRef && step > 0) await this.recomputeReference();
      this.round = round;
      if (round > 1) {
        this.dpoTrainer.setData(
          this.data.pairs,
          this.refLogps,
          roundSeed(this.settings.seed, round),
          start,
        );
        await this.trainer.restore(step, await this.trainer.optimizerState());
      }
    }
  }

  /**
   * Online round `round` from step `startStep`: fresh pairs sampled from the current π_θ and
   * labelled by the reward, π_ref's log-probs of them cached, the batch order restarted; the
   * optimizer keeps its moments. A round whose samples are all ties keeps the previous pairs.
   */
  private async startRound(round: number, startStep: number): Promise<void> {
    this.round = round;
    const s = this.settings;
    const data = await samplePairs(this.policy, this.task, s.data, s.seed, round, (d, t) =>
      this.cb.onProgress?.('sampling', d, t),
    );
    this.cb.onMetrics?.({ step: startStep, phase: 'dpo', round });
    if (data.pairs.length === 0) return;
    const refLogps = await precomputeReference(
      this.lossReference,
      data.pairs,
      this.collate,
      16,
      (d, t) => this.cb.onProgress?.('reference', d, t),
    );
    this.dpoTrainer.setData(data.pairs, refLogps, roundSeed(this.settings.seed, round), startStep);
    this.data = data;
    this.refLogps = refLogps;
    this.previews = [...data.preview, ...this.previews];
    this.cb.onPairs?.(this.previews.slice(0, 200), this.previews.length);
  }

  /** π_ref's cached log-probs of the current pairs, again (after a TR-DPO refresh). */
  private async recomputeReference(): Promise<void> {
    this.refLogps = await precomputeReference(
      this.lossReference,
      this.data.pairs,
      this.collate,
      16,
    );
    this.dpoTrainer.setReference(this.refLogps);
  }

  /** The live settings of `next` (β, lr) apply from the next step; the others stay. */
  update(next: DpoRunSettings): void {
    const live = withLiveSettings(this.config, next);
    if (this.dpo) this.dpo.update({ loss: live.loss, optim: live.optim });
    else {
      this.trainer.setLearningRate(live.optim.lr);
      this.settings = { ...this.settings, optim: live.optim };
    }
  }

  /** One optimisation step, logging and evaluating on their schedules. */
  async trainStep(): Promise<void> {
    const s = this.trainer.step + 1;
    const log = s % this.settings.logEvery === 0 || s === 1 || s >= this.settings.steps;
    const m = await this.trainer.trainStep(log);
    const r = this.dpo?.lastDetail;
    if (m && !r) this.cb.onMetrics?.({ step: this.trainer.step, phase: 'dpo', ...m });
    if (m && r) {
      this.cb.onMetrics?.({
        step: this.trainer.step,
        phase: 'dpo',
        ...m,
        beta: r.beta,
        pairs_per_second: r.pairsPerSecond,
      });
      this.cb.onInspector?.(inspectorView(r, this.texts));
    }
    const roundEnd = this.roundAt(s) > this.round;
    if (refSyncDue(s, this.settings.refSyncSteps) && this.syncRef && !this.done) {
      mixWeights(this.syncRef, this.policy, this.settings.refMixupAlpha);
      await this.recomputeReference();
    }
    if (s % this.settings.eval.every === 0 || s === this.settings.steps || roundEnd) {
      await this.evaluate();
    }
    if (roundEnd && !this.done) await this.startRound(this.roundAt(s), s);
  }

  /** Reward and KL of fresh π_θ samples on the evaluation prompts. */
  async evaluate(): Promise<void> {
    const e = await evaluateDpo({
      policy: this.policy,
      reference: this.reference,
      syncRef: this.syncRef,
      tokenizer: this.task.tokenizer,
      evalPrompts: this.task.evalPrompts,
      ...(this.task.reward ? { reward: this.task.reward } : {}),
      settings: this.settings,
      step: this.trainer.step,
      // Without a reward π_ref's level is NaN: measured again at every evaluation.
      refLevel: Number.isNaN(this.evalRefLevel)
        ? null
        : { level: this.evalRefLevel, samples: this.refSamples },
    });
    this.evalRefLevel = e.refLevel.level;
    this.refSamples = e.refLevel.samples;
    // KL is read anyway: a NaN here means π_θ's weights went bad on a step that was not logged.
    if (!Number.isFinite(e.kl)) throw new NonFiniteError(this.trainer.step, 'eval/kl', e.kl);
    if (this.heldOut) {
      e.point['eval/pair_accuracy'] = await heldOutAccuracy(
        this.policy,
        this.heldOut,
        this.collate,
      );
    }
    this.cb.onMetrics?.(e.point);
    this.cb.onSamples?.(e.samples);
  }

  dispose(): void {
    this.trainer.dispose();
    this.policy.dispose();
    this.reference.dispose();
    this.syncRef?.dispose();
  }
}
