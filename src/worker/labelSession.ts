/**
 * The worker's side of the labelling mode: serves pairs to label (sampled a batch ahead),
 * keeps the learner's labels (data/labels.ts) and stores them in IndexedDB per π_ref, builds
 * the preference data a run on them trains on, and measures agreement and what changed.
 */
import { mergePooled, newImportedLabels, pairKey, parsePooledJsonl } from '../data/labelImport';
import {
  addLabel,
  editLabel,
  type LabelChoice,
  type LabelledPair,
  labelCounts,
  labelPairs,
  labelPromptRange,
  labelView,
  removeLabel,
  WHAT_CHANGED_PROMPT_OFFSET,
} from '../data/labels';
import type { GPT } from '../model/gpt';
import { type AgreementPoint, agreement } from '../objectives/agreement';
import {
  type CompletionGroup,
  measureWhatChanged,
  type PairCandidate,
  pairLogps,
  sampleCandidates,
  sampleGroups,
} from '../pipeline/labelling/labelling';
import {
  choosePair,
  DEFAULT_PAIR_ORDER,
  type PairOrder,
  SAMPLE_BATCH,
  seenWords,
  wantsMore,
} from '../pipeline/labelling/pairChoice';
import {
  fitWordReward,
  heldOutAccuracy,
  pickedPairs,
  trustWordReward,
  WORD_REWARD_DEFAULTS,
} from '../pipeline/labelling/wordReward';
import type { PreferenceData } from '../pipeline/preferenceData';
import type { PairPreview } from '../pipeline/views';
import type { LabelStore } from '../storage/labelStore';
import { builtinPrompts, builtinTask } from '../task/builtin';
import type { Review } from '../task/corpus';
import { wordHits } from '../task/labelRules';
import { groundTruthReward } from '../task/reward';
import type { WhatChanged } from '../task/textStats';
import type { BpeTokenizer } from '../tokenizer/bpe';
import type {
  LabelEvent,
  LabelGenerationSettings,
  LabelImportSummary,
  WordRewardView,
} from './labelProtocol';

/**
 * Test pairs are drawn the same way every time: from π_ref at temperature 1 with this seed,
 * whatever the generation settings, so every evaluation and every session scores the same pairs.
 */
const TEST_SEED = 7919;
/**
 * The word-reward route's pool: prompts of the task's training prompts × completions each, and
 * the reward margin a pair needs (scripts/labelling-tastes.ts measured these).
 */
const WORD_REWARD_POOL = { prompts: 512, k: 4, minMargin: 1, chunk: 64 };
/** Prompts "what changed" shows side by side. */
const EXAMPLES = 6;
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
  /** Which waiting pair is shown next (pairChoice.ts); the test round is always as sampled. */
  private order: PairOrder = DEFAULT_PAIR_ORDER;
  private generation: LabelGenerationSettings = { temperature: 1, maxNewTokens: 16, seed: 1 };
  /** Prompts served so far, per kind: the next batch starts after them. */
  private served = { label: 0, test: 0 };
  private heldOutReviews: Review[] | null = null;
  private ids = 0;
  private lastImport: LabelImportSummary | null = null;
  private wordReward: WordRewardView | null = null;
  /** π_ref's samples the word reward ranks, per π_ref, seed and length. */
  private pool: { key: string; groups: CompletionGroup[] } | null = null;
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
    this.wordReward = null;
    this.pool = null;
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

  /** Shows the next pair (sampling a batch when too few are waiting). */
  async next(
    from: 'ref' | 'policy',
    generation: LabelGenerationSettings,
    order: PairOrder = DEFAULT_PAIR_ORDER,
  ): Promise<void> {
    await this.sync();
    if (from !== this.from || generation.seed !== this.generation.seed) this.queue = [];
    this.from = from;
    this.generation = generation;
    this.order = order;
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
    // A test round asks for n decided pairs: a tie or skip is counted, and another pair shown.
    if (c.test && (choice === 'a' || choice === 'b'))
      this.testLeft = Math.max(0, this.testLeft - 1);
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

  /**
   * The next pairs come from the test prompts (π_ref, temperature 1, a fixed seed) and are never
   * trained on, until `n` of them are decided.
   */
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

  /**
   * A class's pooled label file (TRL JSONL, optional "labeller") as labels, by the rule of
   * data/labelImport.ts: duplicates merged, conflicts to the majority, an even split a tie;
   * pairs already here, and rows about the test round, are not added.
   */
  async importLabels(name: string, text: string): Promise<LabelImportSummary> {
    await this.sync();
    const m = this.requireModels();
    const { rows, skipped } = parsePooledJsonl(text, name);
    const decode = (ids: number[]) => m.tokenizer.decode(ids);
    const known = new Set(this.labels.flatMap((l) => labelKeys(l, decode)));
    const merged = mergePooled(rows, known, this.testPairs(decode));
    const now = Date.now();
    for (const label of newImportedLabels(merged.labels, m.tokenizer)) {
      this.labels = addLabel(this.labels, label, `${now.toString(36)}-${++this.ids}`, now);
    }
    const summary: LabelImportSummary = {
      file: name,
      rows: rows.length,
      added: merged.labels.length,
      duplicates: merged.duplicates,
      conflicts: merged.conflicts,
      known: merged.known,
      test: merged.test,
      skipped,
    };
    this.lastImport = summary;
    await this.save(m.key);
    return summary;
  }

  /**
   * Keys of the test round's pairs: labelled, on the card and queued. Pairs, not prompts: the
   * texts of short prompts ("I went to") recur among the labelling prompts.
   */
  private testPairs(decode: (ids: number[]) => string): Set<string> {
    const pending = [this.current, ...this.queue].flatMap((q) => (q?.test ? [q.candidate] : []));
    return new Set(
      [...this.labels.filter((l) => l.test), ...pending].flatMap((l) => labelKeys(l, decode)),
    );
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

  /**
   * The labels and the pairs a word reward fitted to them picks among π_ref's samples of the
   * task's training prompts (k per prompt, length-matched best against worst): what the
   * "word-reward" route trains DPO on. Posts the word reward with the labels.
   */
  async wordRewardData(labels: PreferenceData, seed: number): Promise<PreferenceData> {
    const m = this.requireModels();
    const train = labelPairs(this.labels, 'train').map((r) => r.text);
    const held = labelPairs(this.labels, 'held-out').map((r) => r.text);
    const rm = fitWordReward(train, WORD_REWARD_DEFAULTS);
    const poolKey = `${m.key}/${seed}/${this.generation.maxNewTokens}`;
    if (this.pool?.key !== poolKey) {
      const prompts = builtinPrompts(this.reviews(), WORD_REWARD_POOL.prompts, 0);
      const gen = { temperature: 1, maxNewTokens: this.generation.maxNewTokens };
      const groups: CompletionGroup[] = [];
      // In chunks: one generate call of 2,048 rows is more than a GPU buffer may hold.
      for (let i = 0; i < prompts.length; i += WORD_REWARD_POOL.chunk) {
        const chunk = prompts.slice(i, i + WORD_REWARD_POOL.chunk);
        const k = WORD_REWARD_POOL.k;
        groups.push(...(await sampleGroups(m.reference, m.tokenizer, chunk, k, gen, seed + i)));
      }
      this.pool = { key: poolKey, groups };
    }
    const picked = pickedPairs(this.pool.groups, (t) => rm.score(t), WORD_REWARD_POOL.minMargin);
    const heldOut = heldOutAccuracy(rm, held);
    const used = trustWordReward(heldOut, picked.length);
    this.wordReward = {
      words: rm.weights.slice(0, 12),
      heldOut,
      pairs: used ? picked.length : 0,
      labels: labels.pairs.length,
      used,
    };
    this.postLabels();
    if (!used) return labels;
    return {
      pairs: [...labels.pairs, ...picked.map((p) => p.pair)],
      texts: [...labels.texts, ...picked.map((p) => p.text)],
      preview: [
        ...labels.preview,
        ...picked.map(
          (p): PairPreview => ({
            ...p.text,
            chosenReward: groundTruthReward(p.text.chosen, p.text.prompt),
            rejectedReward: groundTruthReward(p.text.rejected, p.text.prompt),
          }),
        ),
      ],
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
    const testTies = this.labels.filter((l) => l.test && l.choice === 'tie').length;
    const point: AgreementPoint = {
      step: m.step,
      heldOut: held.agreement,
      heldOutN: held.n,
      ...(test.n > 0 ? { test: test.agreement, testN: test.n, testTies } : {}),
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
    const all = await measureWhatChanged(
      m.policy ?? m.reference,
      m.runReference ?? m.reference,
      m.tokenizer,
      prompts,
      { ...this.generation, seed: this.generation.seed + 4242 },
      groundTruthReward,
      m.step,
      prompts.length,
    );
    const words = (this.wordReward?.words ?? []).filter((w) => w.weight > 0).map((w) => w.word);
    const perSample = (texts: string[]) =>
      texts.reduce((n, t) => n + wordHits(t, words), 0) / Math.max(1, texts.length);
    const data: WhatChanged = {
      ...all,
      examples: all.examples.slice(0, EXAMPLES),
      ...(words.length > 0
        ? {
            tasteWords: {
              words,
              ref: perSample(all.examples.map((e) => e.ref)),
              policy: perSample(all.examples.map((e) => e.policy)),
            },
          }
        : {}),
    };
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

  /**
   * Takes the next pair onto the card: a test pair in the order sampled; a pair to label by the
   * session's order, among the waiting ones (sampling batches first while too few wait).
   */
  private async advance(): Promise<void> {
    const test = this.testLeft > 0;
    const order: PairOrder = test ? 'sampled' : this.order;
    const waiting = () => this.queue.filter((q) => q.test === test);
    while (wantsMore(waiting().length, order)) {
      this.queue = this.queue.concat(await this.sampleBatch(test));
    }
    const shown = this.labels.filter((l) => !l.test);
    // A prompt already labelled (pairs sampled before a reload, which restarts the count at the
    // labels) comes again only when no fresh one waits, as when the prompts come round.
    const labelled = new Set(shown.map((l) => l.prompt));
    const fresh = waiting().filter((q) => test || !labelled.has(q.candidate.prompt));
    const pool = fresh.length > 0 ? fresh : waiting();
    const candidates = pool.map((q) => q.candidate);
    const pick = pool[choosePair(candidates, seenWords(shown), order)];
    this.queue = this.queue.filter((q) => q !== pick);
    this.current = pick ?? null;
    this.postCandidate();
  }

  private async sampleBatch(test: boolean): Promise<Pending[]> {
    const m = this.requireModels();
    const kind = test ? 'test' : 'label';
    const start = this.served[kind];
    const { base, offset, count } = labelPromptRange(kind, start, SAMPLE_BATCH);
    const prompts = builtinPrompts(this.reviews(), count, offset);
    const usePolicy = !test && this.from === 'policy' && m.policy !== null;
    const model = usePolicy ? (m.policy as GPT) : m.reference;
    const cands = await sampleCandidates(
      model,
      m.tokenizer,
      prompts,
      test ? { temperature: 1, maxNewTokens: this.generation.maxNewTokens } : this.generation,
      (test ? TEST_SEED : this.generation.seed) * 1009 + base + start,
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
      ...(this.lastImport ? { imported: this.lastImport } : {}),
      ...(this.wordReward ? { wordReward: this.wordReward } : {}),
    });
  }
}

/**
 * A pair's keys: of its text, and of its ids' text (what the TRL export writes). The two agree
 * for a lossless tokenizer such as byte-level BPE; a tokenizer that loses text (a prompt it
 * cannot spell) exports a prompt that only the second matches.
 */
function labelKeys(
  l: Pick<LabelledPair, 'prompt' | 'a' | 'b' | 'promptIds' | 'aIds' | 'bIds'>,
  decode: (ids: number[]) => string,
): string[] {
  return [
    pairKey(l.prompt, l.a, l.b),
    pairKey(decode(l.promptIds), decode(l.aIds), decode(l.bIds)),
  ];
}
