/**
 * A scripted labeller's taste, learned: label π_ref's pairs by a rule, train DPO on the labels
 * ('labels') or on many pairs a word reward fitted to the labels picked ('word-reward'), and
 * measure the implicit reward's agreement with the rule on a fixed round of fresh test pairs
 * and the rule's statistic in π_ref's and π_θ's samples. Used by scripts/labelling-tastes.ts
 * (the committed results) and its test.
 */
import type { GPT } from '../../model/gpt';
import { agreement } from '../../objectives/agreement';
import { builtinPrompts, builtinTask } from '../../task/builtin';
import { applyRule, type LabelRule, ruleScore } from '../../task/labelRules';
import { groundTruthReward } from '../../task/reward';
import type { BpeTokenizer } from '../../tokenizer/bpe';
import { wilsonInterval } from '../../util/wilson';
import type { TokenizedPair } from '../collate';
import { DpoRun } from '../dpoRun';
import { DEFAULT_DPO_SETTINGS, type DpoRunSettings } from '../settings';
import {
  type CompletionGroup,
  measureWhatChanged,
  type PairCandidate,
  pairLogps,
  sampleCandidates,
  sampleGroups,
} from './labelling';
import { choosePair, differingWords, type PairOrder, SAMPLE_BATCH, wantsMore } from './pairChoice';
import {
  fitWordReward,
  heldOutAccuracy,
  pickedPairs,
  trustWordReward,
  WORD_REWARD_DEFAULTS,
} from './wordReward';

/** Prompt offsets into the held-out reviews (as data/labels.ts). */
const OFFSETS = { label: 1200, validation: 1460, test: 1600, whatChanged: 1800, pool: 0 };
/** Validation prompts: between the labelling prompts (256 from 1200) and the test round's. */
const VALIDATION_PROMPTS = 140;

/** Where the round agreement is scored on comes from: tune on validation, report on test. */
export type TasteSplit = 'test' | 'validation';

export type TasteMethod = 'labels' | 'word-reward' | 'oracle';

export interface TasteSizes {
  /** Label prompts sampled (pairs shown); the labeller's decided ones are capped at `labels`. */
  labelPrompts: number;
  labels: number;
  /** Test prompts (pairs from π_ref at temperature 1); the decided ones are the round. */
  testPrompts: number;
  /** Prompts × completions the word reward ranks (its pairs: best against worst). */
  poolPrompts: number;
  poolK: number;
  whatChangedPrompts: number;
}

export const TASTE_SIZES: TasteSizes = {
  labelPrompts: 256,
  labels: 48,
  testPrompts: 160,
  poolPrompts: 512,
  poolK: 4,
  whatChangedPrompts: 64,
};

/** Samples shared by every taste of one seed. */
export interface TasteSamples {
  label: PairCandidate[];
  test: PairCandidate[];
  pool: CompletionGroup[];
  whatChangedPrompts: string[];
}

const GEN = { temperature: 1, maxNewTokens: 16 };

export async function sampleTasteData(
  sft: GPT,
  tokenizer: BpeTokenizer,
  sizes: TasteSizes,
  seed: number,
  split: TasteSplit = 'test',
): Promise<TasteSamples> {
  const { heldOut } = builtinTask();
  const p = (n: number, offset: number) => builtinPrompts(heldOut, n, offset);
  return {
    label: await sampleCandidates(sft, tokenizer, p(sizes.labelPrompts, OFFSETS.label), GEN, seed),
    // The test round is drawn the same way every time: π_ref, temperature 1, its own seed.
    test:
      split === 'test'
        ? await sampleCandidates(
            sft,
            tokenizer,
            p(sizes.testPrompts, OFFSETS.test),
            GEN,
            7919 + seed,
          )
        : await sampleCandidates(
            sft,
            tokenizer,
            p(Math.min(sizes.testPrompts, VALIDATION_PROMPTS), OFFSETS.validation),
            GEN,
            6007 + seed,
          ),
    pool: await sampleGroups(
      sft,
      tokenizer,
      p(sizes.poolPrompts, OFFSETS.pool),
      sizes.poolK,
      GEN,
      seed + 101,
    ),
    whatChangedPrompts: p(sizes.whatChangedPrompts, OFFSETS.whatChanged),
  };
}

interface Oriented {
  pair: TokenizedPair;
  chosen: string;
  rejected: string;
}

function decide(rule: LabelRule, cands: readonly PairCandidate[]): Oriented[] {
  return cands.flatMap((c) => {
    const choice = applyRule(rule, c.a, c.b);
    if (choice === 'tie') return [];
    const [chosen, rejected, cIds, rIds] =
      choice === 'a' ? [c.a, c.b, c.aIds, c.bIds] : [c.b, c.a, c.bIds, c.aIds];
    return [{ pair: { prompt: c.promptIds, chosen: cIds, rejected: rIds }, chosen, rejected }];
  });
}

export interface TasteResult {
  taste: LabelRule;
  method: TasteMethod;
  /** The order the labeller was shown the pairs in (pairChoice.ts). */
  order: PairOrder;
  seed: number;
  /** Decided labels the labeller gives (it stops there). */
  budget: number;
  /** Label pairs shown, decided labels, trained on, held out. */
  shown: number;
  decided: number;
  train: number;
  heldOut: number;
  /** Pairs DPO trained on (the labels, or the word reward's pairs plus the labels). */
  dpoPairs: number;
  test: { pairs: number; ties: number; agree: number; before: number; after: number };
  interval: { lo: number; hi: number };
  heldOutAgreement: number;
  /** Agreement of "the longer completion is better" with the test labels (length control). */
  lengthBaseline: number;
  /** The word reward's accuracy on the held-out labels and its top words. */
  wordReward?: { heldOut: number; top: string[] };
  /** Mean taste statistic, characters and r* of π_ref's and π_θ's samples of fresh prompts. */
  ref: { taste: number; chars: number; reward: number };
  policy: { taste: number; chars: number; reward: number };
  rising: string[];
  trainSecs: number;
}

export interface TasteTraining {
  /** The word reward's pairs: kept when the reward margin exceeds this. */
  minMargin: number;
  /** The word reward's L1 penalty and its words' support (wordReward.ts). */
  l1: number;
  minSupport: number;
  steps: number;
  lr: number;
  beta: number;
}

export const TASTE_TRAINING: Record<TasteMethod, TasteTraining> = {
  labels: { minMargin: 0, l1: 0, minSupport: 0, steps: 60, lr: 2e-4, beta: 0.1 },
  // minSupport 1: chosen on validation prompts (results/labelling-validation.json, its rule).
  'word-reward': { minMargin: 1, l1: 0, minSupport: 1, steps: 120, lr: 5e-4, beta: 0.1 },
  oracle: { minMargin: 0.5, l1: 0, minSupport: 0, steps: 120, lr: 5e-4, beta: 0.1 },
};

/**
 * The labeller at work, as the app's label session serves it: pairs come in batches of
 * SAMPLE_BATCH, the next shown is chosen by `order`, and the labeller stops after `budget`
 * decided labels. Returns the pairs shown and the decided labels, in order.
 */
function labelSession(
  taste: LabelRule,
  candidates: readonly PairCandidate[],
  order: PairOrder,
  budget: number,
): { shown: number; labelled: Oriented[] } {
  const queue: PairCandidate[] = [];
  const seen = new Set<string>();
  const labelled: Oriented[] = [];
  let next = 0;
  let shown = 0;
  while (labelled.length < budget) {
    while (wantsMore(queue.length, order) && next < candidates.length) {
      queue.push(...candidates.slice(next, next + SAMPLE_BATCH));
      next += SAMPLE_BATCH;
    }
    const pick = queue.splice(choosePair(queue, seen, order), 1)[0];
    if (!pick) break;
    shown++;
    for (const w of differingWords(pick.a, pick.b)) seen.add(w);
    labelled.push(...decide(taste, [pick]));
  }
  return { shown, labelled };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Labels, trains and measures one taste on one seed's samples. */
export async function runTaste(
  sft: GPT,
  tokenizer: BpeTokenizer,
  samples: TasteSamples,
  taste: LabelRule,
  method: TasteMethod,
  seed: number,
  sizes: TasteSizes = TASTE_SIZES,
  training: TasteTraining = TASTE_TRAINING[method],
  order: PairOrder = 'sampled',
): Promise<TasteResult> {
  // The labeller stops after `labels` decided ones; every 4th is held out (as data/labels.ts).
  const { shown, labelled } = labelSession(taste, samples.label, order, sizes.labels);
  const train = labelled.filter((_, i) => i % 4 !== 3);
  const held = labelled.filter((_, i) => i % 4 === 3);
  const testPairs = decide(taste, samples.test);
  let dpo = train;
  let wordReward: TasteResult['wordReward'];
  if (method !== 'labels') {
    const fitted = fitWordReward(train, {
      ...WORD_REWARD_DEFAULTS,
      l1: training.l1,
      minSupport: training.minSupport,
    });
    const rm =
      method === 'oracle' ? { ...fitted, score: (t: string) => ruleScore(taste, t) } : fitted;
    const heldAcc = heldOutAccuracy(rm, held);
    wordReward = { heldOut: heldAcc, top: rm.weights.slice(0, 8).map((w) => w.word) };
    const picked = pickedPairs(samples.pool, (t) => rm.score(t), training.minMargin).map(
      (p): Oriented => ({ pair: p.pair, chosen: p.text.chosen, rejected: p.text.rejected }),
    );
    // The app's rule: a word reward that fails the held-out labels is not used.
    if (trustWordReward(heldAcc, picked.length)) dpo = [...train, ...picked];
  }
  const settings: DpoRunSettings = {
    ...DEFAULT_DPO_SETTINGS,
    rounds: 1,
    steps: training.steps,
    seed,
    loss: { ...DEFAULT_DPO_SETTINGS.loss, beta: training.beta },
    optim: { ...DEFAULT_DPO_SETTINGS.optim, lr: training.lr },
    eval: { ...DEFAULT_DPO_SETTINGS.eval, every: 100_000, prompts: 4 },
  };
  const t0 = performance.now();
  const run = await DpoRun.prepare(
    sft,
    { tokenizer, trainPrompts: [], evalPrompts: samples.whatChangedPrompts.slice(0, 4) },
    settings,
    {},
    {
      data: {
        pairs: dpo.map((d) => d.pair),
        texts: dpo.map((d) => ({ prompt: '', chosen: d.chosen, rejected: d.rejected })),
        preview: [],
      },
    },
  );
  try {
    const agree = async (pairs: Oriented[]) =>
      agreement(
        await pairLogps(
          run.policy,
          run.reference,
          pairs.map((p) => p.pair),
          tokenizer.eot,
        ),
        training.beta,
        1e-6,
      );
    const before = await agree(testPairs);
    while (!run.done) await run.trainStep();
    const trainSecs = (performance.now() - t0) / 1000;
    const after = await agree(testPairs);
    const heldAfter = await agree(held);
    const wc = await measureWhatChanged(
      run.policy,
      run.reference,
      tokenizer,
      samples.whatChangedPrompts,
      { ...GEN, seed: seed + 4242 },
      groundTruthReward,
      run.step,
      samples.whatChangedPrompts.length,
    );
    const stat = (side: 'ref' | 'policy') => ({
      taste: mean(wc.examples.map((e) => ruleScore(taste, side === 'ref' ? e.ref : e.policy))),
      chars: wc[side].meanChars,
      reward: wc[side].meanReward,
    });
    const longer = testPairs.filter((p) => p.chosen.trim().length > p.rejected.trim().length);
    const sameLength = testPairs.filter((p) => p.chosen.trim().length === p.rejected.trim().length);
    return {
      taste,
      method,
      order,
      seed,
      budget: sizes.labels,
      shown,
      decided: labelled.length,
      train: train.length,
      heldOut: held.length,
      dpoPairs: dpo.length,
      test: {
        pairs: testPairs.length,
        ties: samples.test.length - testPairs.length,
        agree: after.agree + 0.5 * after.ties,
        before: before.agreement,
        after: after.agreement,
      },
      interval: wilsonInterval(after.agree + 0.5 * after.ties, after.n),
      heldOutAgreement: heldAfter.agreement,
      lengthBaseline: (longer.length + 0.5 * sameLength.length) / Math.max(1, testPairs.length),
      ...(wordReward ? { wordReward } : {}),
      ref: stat('ref'),
      policy: stat('policy'),
      rising: wc.rising.slice(0, 6).map((w) => w.word),
      trainSecs: Number(trainSecs.toFixed(1)),
    };
  } finally {
    run.dispose();
  }
}
