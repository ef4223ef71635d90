/**
 * A whole DPO run on a sentiment-style task, as in the paper's Task 1: sample K completions
 * per prompt from π_ref, label pairs with the ground-truth reward, cache π_ref's log-probs,
 * train π_θ, and evaluate reward and KL on held-out prompts. Reports through callbacks; the
 * worker and Node scripts drive it step by step.
 */
import * as tf from '@tensorflow/tfjs';
import { generate } from '../model/generate';
import type { GPT } from '../model/gpt';
import { makePairs } from '../task/preferences';
import type { BpeTokenizer } from '../tokenizer/bpe';
import type { InspectorPair, MetricPoint, PairPreview, SampleView } from '../worker/views';
import type { TokenizedPair } from './collate';
import { evaluatePolicy } from './evaluate';
import {
  type NamedArray,
  NonFiniteError,
  type PairReference,
  PreferenceTrainer,
  precomputeReference,
} from './preferenceTrainer';
import type { DpoRunSettings } from './settings';

export { NonFiniteError } from './preferenceTrainer';
export { DEFAULT_DPO_SETTINGS, type DpoRunSettings } from './settings';

export interface DpoRunCallbacks {
  onProgress?(stage: 'sampling' | 'reference' | 'evaluating', done: number, total: number): void;
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

export interface PairText {
  prompt: string;
  chosen: string;
  rejected: string;
}

/** Preference pairs ready to train on: token ids (prompt starts with end-of-text) and texts. */
export interface PreferenceData {
  pairs: TokenizedPair[];
  texts: PairText[];
  preview: PairPreview[];
}

/** π_θ's weights and the optimizer's slots after `step` steps: what a resume needs. */
export interface RunSnapshot {
  step: number;
  params: Record<string, { shape: number[]; data: Float32Array }>;
  optimizer: NamedArray[];
}

/**
 * What a run computed once from π_ref, kept on the CPU so that a rebuilt run (after a lost GPU
 * device) need not compute it again: the cached log-probs and π_ref's evaluation level.
 */
export interface ReferenceCache {
  refLogps: PairReference[];
  evalReference: { level: number; samples: { text: string; reward: number }[] } | null;
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
  private refSamples: { text: string; reward: number }[] = [];

  private constructor(
    readonly policy: GPT,
    readonly reference: GPT,
    private readonly trainer: PreferenceTrainer,
    readonly task: DpoTask,
    private settings: DpoRunSettings,
    /** The pairs this run trains on (kept for saving and export). */
    readonly data: PreferenceData,
    private readonly cb: DpoRunCallbacks,
    private readonly refLogps: PairReference[],
  ) {}

  private get texts(): PairText[] {
    return this.data.texts;
  }

  /**
   * π_θ and the optimizer state now, as plain arrays (a GPU read). Throws NonFiniteError
   * rather than return weights with a NaN or ±∞: a checkpoint is always a good one.
   */
  async snapshot(): Promise<RunSnapshot> {
    const params: RunSnapshot['params'] = {};
    for (const [name, v] of this.policy.params) {
      params[name] = { shape: v.shape.slice(), data: Float32Array.from(await v.data()) };
    }
    const snap = { step: this.step, params, optimizer: await this.trainer.optimizerState() };
    assertFiniteSnapshot(snap);
    return snap;
  }

  /** π_ref's values computed once, on the CPU (see ReferenceCache). */
  referenceCache(): ReferenceCache {
    return {
      refLogps: this.refLogps,
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
    for (const [name, v] of this.policy.params) {
      const p = snap.params[name];
      if (!p || p.data.length !== v.size) throw new Error(`the checkpoint lacks ${name}`);
      const t = tf.tensor(p.data, v.shape);
      v.assign(t);
      t.dispose();
    }
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
    try {
      const { pairs, texts, preview } = data ?? (await buildPairs(reference, task, settings, cb));
      cb.onPairs?.(preview.slice(0, 200), preview.length);
      if (pairs.length === 0) throw new Error('every sampled pair was a tie: no preferences');
      const collate = { padId: task.tokenizer.eot, maxLength: sft.config.blockSize };
      const refLogps =
        cache?.refLogps.length === pairs.length
          ? cache.refLogps
          : await precomputeReference(reference, pairs, collate, 16, (d, t) =>
              cb.onProgress?.('reference', d, t),
            );
      const trainer = new PreferenceTrainer(policy, pairs, refLogps, settings, collate);
      const run = new DpoRun(
        policy,
        reference,
        trainer,
        task,
        settings,
        { pairs, texts, preview },
        cb,
        refLogps,
      );
      if (cache?.evalReference) {
        run.evalRefLevel = cache.evalReference.level;
        run.refSamples = cache.evalReference.samples;
      }
      if (resume) await run.restore(resume);
      else await run.evaluate(); // step 0: π_θ = π_ref
      return run;
    } catch (e) {
      policy.dispose();
      reference.dispose();
      throw e;
    }
  }

  get step(): number {
    return this.trainer.step;
  }

  get done(): boolean {
    return this.trainer.step >= this.settings.steps;
  }

  get config(): DpoRunSettings {
    return this.settings;
  }

  /** β, lr and the step budget can change mid-run; they apply from the next step. */
  update(patch: { beta?: number; lr?: number; steps?: number }): void {
    this.trainer.update({
      ...(patch.beta !== undefined ? { loss: { beta: patch.beta } } : {}),
      ...(patch.lr !== undefined ? { optim: { lr: patch.lr } } : {}),
    });
    this.settings = {
      ...this.trainer.config,
      steps: patch.steps ?? this.settings.steps,
      logEvery: this.settings.logEvery,
      data: this.settings.data,
      eval: this.settings.eval,
    };
  }

  /** One optimisation step, logging and evaluating on their schedules. */
  async trainStep(): Promise<void> {
    const s = this.trainer.step + 1;
    const log = s % this.settings.logEvery === 0 || s === 1 || s >= this.settings.steps;
    const r = await this.trainer.trainStep(log);
    if (r) {
      this.cb.onMetrics?.({
        step: r.step,
        phase: 'dpo',
        ...r.metrics,
        learning_rate: r.lr,
        beta: r.beta,
        pairs_per_second: r.pairsPerSecond,
      });
      this.cb.onInspector?.(
        r.indices.map((index, i) => {
          const t = this.texts[index] ?? { prompt: '', chosen: '', rejected: '' };
          return {
            index,
            ...t,
            policyChosen: r.policyChosen[i] ?? Number.NaN,
            policyRejected: r.policyRejected[i] ?? Number.NaN,
            refChosen: r.reference[i]?.chosen ?? Number.NaN,
            refRejected: r.reference[i]?.rejected ?? Number.NaN,
            loss: r.losses[i] ?? Number.NaN,
            beta: r.beta,
          };
        }),
      );
    }
    if (s % this.settings.eval.every === 0 || s === this.settings.steps) await this.evaluate();
  }

  /** Reward and KL of fresh π_θ samples on the evaluation prompts. */
  async evaluate(): Promise<void> {
    const { tokenizer, evalPrompts } = this.task;
    const reward = this.task.reward ?? (() => Number.NaN);
    const prompts = evalPrompts
      .slice(0, this.settings.eval.prompts)
      .map((p) => [tokenizer.eot, ...tokenizer.encode(p)]);
    const generation = {
      temperature: this.settings.eval.temperature,
      topK: 0,
      topP: 1,
      maxNewTokens: this.settings.eval.maxNewTokens,
      seed: this.settings.seed + 7919 * (this.trainer.step + 1),
      eotId: tokenizer.eot,
    };
    const decode = (ids: number[]) => tokenizer.decode(ids);
    const opts = { generation, padId: tokenizer.eot, decode, reward };
    if (Number.isNaN(this.evalRefLevel)) {
      // π_ref's level, measured once with its own samples (the dashed line).
      const ref = await evaluatePolicy(this.reference, this.reference, prompts, opts);
      this.evalRefLevel = ref.reward;
      this.refSamples = ref.samples.map((s) => ({ text: s.text, reward: s.reward }));
    }
    const r = await evaluatePolicy(this.policy, this.reference, prompts, opts);
    // KL is read anyway: a NaN here means π_θ's weights went bad on a step that was not logged.
    if (!Number.isFinite(r.kl)) throw new NonFiniteError(this.trainer.step, 'eval/kl', r.kl);
    this.cb.onMetrics?.({
      step: this.trainer.step,
      phase: 'dpo',
      ...(this.task.reward
        ? { 'eval/reward': r.reward, 'eval/ref_reward': this.evalRefLevel }
        : {}),
      'eval/kl': r.kl,
      'eval/kl_sample': r.klSample,
    });
    this.cb.onSamples?.(
      r.samples.map((s, i) => ({
        prompt: evalPrompts[i] ?? '',
        promptIds: s.prompt,
        tokens: s.tokens,
        tokenTexts: s.tokens.map((id) => tokenizer.tokenText(id)),
        policyLogps: s.policyLogps,
        refLogps: s.refLogps,
        text: s.text,
        reward: s.reward,
        refText: this.refSamples[i]?.text ?? '',
        refReward: this.refSamples[i]?.reward ?? Number.NaN,
      })),
    );
  }

  dispose(): void {
    this.trainer.dispose();
    this.policy.dispose();
    this.reference.dispose();
  }
}

/** Samples K completions per prompt from π_ref and labels pairs with the reward. */
async function buildPairs(
  reference: GPT,
  task: DpoTask,
  settings: DpoRunSettings,
  cb: DpoRunCallbacks,
): Promise<{ pairs: TokenizedPair[]; texts: PairText[]; preview: PairPreview[] }> {
  const { tokenizer, reward } = task;
  if (!reward) throw new Error('sampling pairs needs a reward to label them');
  const d = settings.data;
  const prompts = task.trainPrompts.slice(0, d.prompts);
  const pairs: TokenizedPair[] = [];
  const texts: PairText[] = [];
  const preview: PairPreview[] = [];
  const chunk = Math.max(1, Math.floor(64 / d.completionsPerPrompt));
  for (let i = 0; i < prompts.length; i += chunk) {
    const group = prompts.slice(i, i + chunk);
    const ids = group.map((p) => [tokenizer.eot, ...tokenizer.encode(p)]);
    const batch = ids.flatMap((p) => Array.from({ length: d.completionsPerPrompt }, () => p));
    const g = await generate(reference, batch, {
      temperature: d.temperature,
      topK: 0,
      topP: 1,
      maxNewTokens: d.maxNewTokens,
      seed: settings.seed + i,
      eotId: tokenizer.eot,
    });
    group.forEach((prompt, j) => {
      const scored = Array.from({ length: d.completionsPerPrompt }, (_, k) => {
        const tokens = g.tokens[j * d.completionsPerPrompt + k] ?? [];
        const text = tokenizer.decode(tokens.filter((t) => t !== tokenizer.eot));
        return { item: { tokens, text }, reward: reward(text, prompt) };
      });
      for (const p of makePairs(scored, d.pairing)) {
        pairs.push({ prompt: ids[j] ?? [], chosen: p.chosen.tokens, rejected: p.rejected.tokens });
        texts.push({ prompt, chosen: p.chosen.text, rejected: p.rejected.text });
        preview.push({
          prompt,
          chosen: p.chosen.text,
          rejected: p.rejected.text,
          chosenReward: p.chosenReward,
          rejectedReward: p.rejectedReward,
        });
      }
    });
    cb.onProgress?.('sampling', Math.min(prompts.length, i + chunk), prompts.length);
  }
  return { pairs, texts, preview };
}
