/**
 * The worker's side of the labelling mode: serves pairs to label (sampled a batch ahead),
 * keeps the learner's labels (data/labels.ts) and stores them in IndexedDB per π_ref, builds
 * the preference data a run on them trains on, and measures agreement and what changed.
 */
import {
  addLabel,
  editLabel,
  LABEL_PROMPT_OFFSET,
  type LabelChoice,
  type LabelledPair,
  labelCounts,
  labelPairs,
  labelView,
  removeLabel,
  TEST_PROMPT_OFFSET,
  WHAT_CHANGED_PROMPT_OFFSET,
} from '../data/labels';
import type { GPT } from '../model/gpt';
import { type AgreementPoint, agreement } from '../objectives/agreement';
import {
  measureWhatChanged,
  type PairCandidate,
  pairLogps,
  sampleCandidates,
} from '../pipeline/labelling/labelling';
import type { PreferenceData } from '../pipeline/preferenceData';
import type { PairPreview } from '../pipeline/views';
import type { LabelStore } from '../storage/labelStore';
import { builtinPrompts, builtinTask } from '../task/builtin';
import type { Review } from '../task/corpus';
import { groundTruthReward } from '../task/reward';
import type { BpeTokenizer } from '../tokenizer/bpe';
import type { LabelEvent, LabelGenerationSettings } from './labelProtocol';

/** Pairs sampled per batch: one generate call of 2 × BATCH rows. */
const BATCH = 8;
/** Fresh prompts "what changed" samples. */
const WHAT_CHANGED_PROMPTS = 32;

export interface LabelModels {
  /** π_ref (the SFT model) and its tokenizer; `key` names its label set in storage. */
  reference: GPT;
  tokenizer: BpeTokenizer;
  key: string;
  /** π_θ of the current run, if any. */
  policy: GPT | null;
  /** The run's π_ref copy when a run exists (same weights as `reference`). */
  runReference: GPT | null;
  step: number;
  beta: number;
}

interface Pending {
  candidate: PairCandidate;
  sampledFrom: 'ref' | 'policy';
  test: boolean;
}

export class LabelSession {
  private labels: LabelledPair[] = [];
  private key: string | null = null;
  private queue: Pending[] = [];
  private current: Pending | null = null;
  private testLeft = 0;
  private from: 'ref' | 'policy' = 'ref';
  private generation: LabelGenerationSettings = { temperature: 1, maxNewTokens: 16, seed: 1 };
  /** Prompts served so far, per kind: the next batch starts after them. */
  private served = { label: 0, test: 0 };
  private heldOutReviews: Review[] | null = null;
  private ids = 0;
  series: AgreementPoint[] = [];

  constructor(
    private readonly post: (e: LabelEvent) => void,
    private readonly store: () => LabelStore | null,
    private readonly models: () => LabelModels | null,
  ) {}

  /** Loads the label set of π_ref `key` (on a new SFT model); the queue is dropped. */
  async open(key: string): Promise<void> {
    if (key === this.key) return;
    this.key = key;
    this.queue = [];
    this.current = null;
    this.series = [];
    this.labels = (await this.store()?.get<LabelledPair>(key)) ?? [];
    this.served = {
      label: this.labels.filter((l) => !l.test).length,
      test: this.labels.filter((l) => l.test).length,
    };
    this.postLabels();
  }

  /** Opens the label set of the current π_ref when that changed (a new model was loaded). */
  async sync(): Promise<void> {
    const m = this.models();
    if (m) await this.open(m.key);
  }

  /** Shows the next pair (sampling a batch when the queue is empty). */
  async next(from: 'ref' | 'policy', generation: LabelGenerationSettings): Promise<void> {
    await this.sync();
    if (from !== this.from || generation.seed !== this.generation.seed) this.queue = [];
    this.from = from;
    this.generation = generation;
    if (!this.current) await this.advance();
    else this.postCandidate();
  }

  async label(choice: LabelChoice): Promise<void> {
    await this.sync();
    const c = this.current;
    if (!c) throw new Error('no pair on the card: ask for one first');
    const m = this.requireModels();
    this.labels = addLabel(
      this.labels,
      {
        prompt: c.candidate.prompt,
        a: c.candidate.a,
        b: c.candidate.b,
        promptIds: c.candidate.promptIds,
        aIds: c.candidate.aIds,
        bIds: c.candidate.bIds,
        choice,
        source: 'you',
        sampledFrom: c.sampledFrom,
        ...(c.test ? { test: true } : {}),
      },
      `${Date.now().toString(36)}-${++this.ids}`,
      Date.now(),
    );
    if (c.test) this.testLeft = Math.max(0, this.testLeft - 1);
    this.current = null;
    await this.save(m.key);
    await this.advance();
    if (c.test && this.testLeft === 0 && m.policy) await this.measureAgreement();
  }

  async edit(id: string, choice: LabelChoice): Promise<void> {
    await this.sync();
    this.labels = editLabel(this.labels, id, choice);
    await this.save(this.requireModels().key);
  }

  async remove(id: string): Promise<void> {
    await this.sync();
    this.labels = removeLabel(this.labels, id);
    await this.save(this.requireModels().key);
  }

  /** The next `n` pairs come from the test prompts and are never trained on. */
  async testMe(n: number): Promise<void> {
    await this.sync();
    this.testLeft = Math.max(0, Math.floor(n));
    // The pair on the card and the queue were for training: re-serve from the test prompts.
    if (this.current && !this.current.test) this.served.label--;
    this.served.label -= this.queue.filter((q) => !q.test).length;
    this.queue = [];
    this.current = null;
    await this.advance();
  }

  /** The labels trained on, as preference data (their ground-truth rewards for the table). */
  trainingData(): PreferenceData {
    const rows = labelPairs(this.labels, 'train');
    if (rows.length === 0) throw new Error('label some pairs first: no 1 / 2 choice to train on');
    return {
      pairs: rows.map((r) => r.pair),
      texts: rows.map((r) => r.text),
      preview: rows
        .map(
          (r): PairPreview => ({
            ...r.text,
            chosenReward: groundTruthReward(r.text.chosen, r.text.prompt),
            rejectedReward: groundTruthReward(r.text.rejected, r.text.prompt),
            source: 'you',
          }),
        )
        .reverse(),
    };
  }

  /** The decided labels as preference data, for the TRL export. */
  exportData(): PreferenceData {
    const rows = [
      ...labelPairs(this.labels, 'train'),
      ...labelPairs(this.labels, 'held-out'),
      ...labelPairs(this.labels, 'test'),
    ];
    return { pairs: rows.map((r) => r.pair), texts: rows.map((r) => r.text), preview: [] };
  }

  /**
   * Agreement of the implicit reward with the held-out and test labels at the run's step;
   * added to the series and posted. Nothing without a run.
   */
  async measureAgreement(): Promise<AgreementPoint | null> {
    const m = this.models();
    if (!m?.policy || !m.runReference) return null;
    const measure = async (share: 'held-out' | 'test') => {
      const pairs = labelPairs(this.labels, share).map((r) => r.pair);
      if (pairs.length === 0) return { agreement: Number.NaN, n: 0 };
      const lp = await pairLogps(m.policy as GPT, m.runReference as GPT, pairs, m.tokenizer.eot);
      // π_θ = π_ref reads the same numbers twice: margins of 1e-6 are float noise, not taste.
      return agreement(lp, m.beta, 1e-6);
    };
    const held = await measure('held-out');
    const test = await measure('test');
    const point: AgreementPoint = {
      step: m.step,
      heldOut: held.agreement,
      heldOutN: held.n,
      ...(test.n > 0 ? { test: test.agreement, testN: test.n } : {}),
    };
    this.series = [...this.series.filter((p) => p.step !== point.step), point].sort(
      (a, b) => a.step - b.step,
    );
    this.post({ type: 'agreement', point });
    return point;
  }

  /** π_ref's and π_θ's samples of fresh prompts, compared (π_θ = π_ref without a run). */
  async whatChanged(): Promise<void> {
    const m = this.requireModels();
    const prompts = builtinPrompts(
      this.reviews(),
      WHAT_CHANGED_PROMPTS,
      WHAT_CHANGED_PROMPT_OFFSET,
    );
    const data = await measureWhatChanged(
      m.policy ?? m.reference,
      m.runReference ?? m.reference,
      m.tokenizer,
      prompts,
      { ...this.generation, seed: this.generation.seed + 4242 },
      groundTruthReward,
      m.step,
    );
    this.post({ type: 'what-changed', data });
  }

  private reviews(): Review[] {
    this.heldOutReviews ??= builtinTask().heldOut;
    return this.heldOutReviews;
  }

  private requireModels(): LabelModels {
    const m = this.models();
    if (!m) throw new Error('load a model first');
    return m;
  }

  /** Takes the next queued pair onto the card, sampling a batch first when none is queued. */
  private async advance(): Promise<void> {
    const test = this.testLeft > 0;
    let next = this.queue.findIndex((q) => q.test === test);
    if (next < 0) {
      this.queue = (await this.sampleBatch(test)).concat(this.queue);
      next = 0;
    }
    this.current = this.queue.splice(next, 1)[0] ?? null;
    this.postCandidate();
  }

  private async sampleBatch(test: boolean): Promise<Pending[]> {
    const m = this.requireModels();
    const kind = test ? 'test' : 'label';
    const start = this.served[kind];
    const offset = (test ? TEST_PROMPT_OFFSET : LABEL_PROMPT_OFFSET) + start;
    const prompts = builtinPrompts(this.reviews(), BATCH, offset);
    const usePolicy = this.from === 'policy' && m.policy !== null;
    const model = usePolicy ? (m.policy as GPT) : m.reference;
    const cands = await sampleCandidates(
      model,
      m.tokenizer,
      prompts,
      this.generation,
      this.generation.seed * 1009 + offset,
    );
    this.served[kind] += cands.length;
    return cands.map((candidate) => ({
      candidate,
      sampledFrom: usePolicy ? 'policy' : 'ref',
      test,
    }));
  }

  private postCandidate(): void {
    const c = this.current;
    this.post({
      type: 'label-candidate',
      candidate: c
        ? {
            prompt: c.candidate.prompt,
            a: c.candidate.a,
            b: c.candidate.b,
            sampledFrom: c.sampledFrom,
            test: c.test,
          }
        : null,
      testLeft: this.testLeft,
    });
  }

  private async save(key: string): Promise<void> {
    this.postLabels();
    await this.store()?.put(key, this.labels);
  }

  private postLabels(): void {
    this.post({
      type: 'labels',
      labels: this.labels.map(labelView),
      counts: labelCounts(this.labels),
    });
  }
}
