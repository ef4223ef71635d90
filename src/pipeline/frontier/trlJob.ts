/**
 * A sweep as a TRL + Accelerate job (issue 26): what the exported folder's job.py reads. Pure
 * data, no tfjs and no Node APIs; trlJobWrite.ts writes the folder.
 *
 *   sweep.json    the job spec: the sweep as parsed, every run resolved with its TRL plan (or
 *                 the reason TRL cannot run it), each seed's purpose streams (seeds.ts)
 *   prompts.json  the prompts the app's runner uses for this sweep (task.ts, promptSplit.ts)
 *   lexicon.json  the reward's lexicon as the app scores with it (reward.py reads it)
 *   reward_check.json  (prompt, completion, the app's r*) cases: reward.py's parity check
 */
import english from 'sentiment/languages/en/index.js';
import {
  PREFERENCE_LOSSES,
  type PreferenceLossType,
  type TrlLoss,
} from '../../objectives/lossConfig';
import type { Review } from '../../task/corpus';
import { groundTruthReward, NEGATION_WORDS, REWARD_TEMPERATURE } from '../../task/reward';
import { ALGORITHMS } from '../algorithms/registry';
import type { FrontierTask } from './data';
import { seedStreams } from './seeds';
import { type ResolvedRun, resolveRuns, type SweepConfig } from './sweepConfig';

const TRL_JOB_FORMAT = 'dpo-playground-trl-job';

/**
 * How job.py runs one run: the SFT model's point; SFTTrainer on the chosen completions
 * (completion-only loss); or a preference trainer (DPOTrainer, trl.experimental's CPOTrainer)
 * with the loss row's loss type, over `rounds` online rounds when more than one.
 */
type TrlPlan =
  | { kind: 'reference' }
  | { kind: 'sft' }
  | {
      kind: 'dpo';
      lossType: string[];
      lossWeights?: number[];
      /** Trainer config keys and values: the loss row's hyperparameters under TRL's names. */
      args?: Record<string, number>;
      rounds?: number;
    }
  | { kind: 'cpo'; lossType: string; args?: Record<string, number>; rounds?: number };

type TrlRun = {
  id: string;
  label: string;
  algorithm: string;
  train: ResolvedRun['train'];
  evalEvery: number;
  beta?: number;
  /** The run as resolved (written to the job's summary.json as its config). */
  config: Record<string, unknown>;
} & ({ trl: TrlPlan } | { trl: null; unsupported: string });

/** The fields of a run that a preference trainer trains (the DPO module's loss and rounds). */
interface PreferenceRunFields {
  loss?: PreferenceLossType;
  reduction?: string;
  rounds?: number;
}

/**
 * The TRL trainer and loss of a preference-loss run, from its loss row's `trl` (sigmoid on
 * summed log-probs is DPOTrainer's `sigmoid`, on per-token means `sigmoid_norm`, …), or why it
 * has none. Online rounds (rounds > 1) are job.py's: each round that trainer on fresh pairs.
 */
function preferencePlan(run: PreferenceRunFields): TrlPlan | string {
  const row = PREFERENCE_LOSSES[run.loss ?? 'sigmoid'];
  const trl: TrlLoss = row.trl;
  const reduction = run.reduction === 'mean' ? 'mean' : 'sum';
  const lossType = trl[reduction];
  const uses: readonly string[] = row.uses;
  const which = uses.includes('reduction') ? ` (${reduction} reduction)` : '';
  if (lossType === null) return `${row.short}${which}: ${trl.why ?? 'not in TRL'}`;
  const named = Object.entries(trl.args ?? {}).flatMap(([param, key]) => {
    const v = (run as Record<string, unknown>)[param];
    return typeof v === 'number' && key ? [[key, v] as const] : [];
  });
  const args = { ...Object.fromEntries(named), ...trl.fixed };
  const extra = {
    ...(Object.keys(args).length > 0 ? { args } : {}),
    ...((run.rounds ?? 1) > 1 ? { rounds: run.rounds } : {}),
  };
  return trl.trainer === 'cpo'
    ? { kind: 'cpo', lossType, ...extra }
    : { kind: 'dpo', lossType: [lossType], ...extra };
}

function trlRun(run: ResolvedRun): TrlRun {
  const { id, label, algorithm, train, evalEvery, ...rest } = run;
  const base = {
    id,
    label,
    algorithm,
    train,
    evalEvery,
    config: { algorithm, ...rest, train, evalEvery },
  };
  const how = ALGORITHMS[algorithm]?.trl;
  if (how === 'reference') return { ...base, trl: { kind: 'reference' } };
  if (how === 'sft-trainer') return { ...base, trl: { kind: 'sft' } };
  if (how === 'dpo-trainer') {
    const beta = 'beta' in run ? run.beta : undefined;
    // An algorithm run by DPOTrainer declares the preference-loss fields (dpo.ts's schema).
    const plan = preferencePlan(run as PreferenceRunFields);
    return typeof plan === 'string'
      ? { ...base, beta, trl: null, unsupported: plan }
      : { ...base, beta, trl: plan };
  }
  const label_ = ALGORITHMS[algorithm]?.label ?? algorithm;
  return {
    ...base,
    trl: null,
    unsupported: `${label_}: ${how?.notRun ?? 'not wired to TRL'}`,
  };
}

/** sweep.json of the job: everything job.py needs besides the prompts, model and reward. */
export function trlJobSpec(sweep: SweepConfig, split: 'test' | 'validation', config: string) {
  return {
    format: TRL_JOB_FORMAT,
    version: 1,
    name: sweep.name,
    config,
    evaluation: `${split} prompts`,
    sweep,
    seeds: sweep.seeds.map((seed) => ({ seed, streams: seedStreams(seed) })),
    runs: resolveRuns(sweep).map(trlRun),
  };
}

/** prompts.json: the prompts the app's runner samples, evaluates and validates on. */
export function trlJobPrompts(task: FrontierTask, split: 'test' | 'validation') {
  return {
    train: task.trainPrompts,
    evalSplit: split,
    eval: task.evalPrompts,
    validation: task.validationPrompts ?? [],
  };
}

/**
 * lexicon.json: the labels the app's analyzer scores with (the `sentiment` package's AFINN-165
 * English labels, into which the package merges its emoji weights when it loads).
 */
export function rewardLexicon() {
  return {
    source: 'npm sentiment 5.0.2: languages/en/labels.json (AFINN-165) + build/emoji.json',
    temperature: REWARD_TEMPERATURE,
    labels: { ...english.labels },
    negators: NEGATION_WORDS.negators,
    bridges: NEGATION_WORDS.bridges,
  };
}

/** Texts the scoring rules treat specially: negation, bridges, punctuation, Unicode, empties. */
const EDGE_CASES: [prompt: string, completion: string][] = [
  ['', ''],
  ['The movie was', ''],
  ['', 'great'],
  ['The movie was not', ' good'],
  ['The movie was not very', ' good at all'],
  ["I didn't", ' like it'],
  ['I didn’t', ' like it, not at all.'],
  ['It wasn’t that', ' bad'],
  ['never', ' boring'],
  ['no', ' fun'],
  ['The acting was', ' not  the best; not a  bad film'],
  ['Goo', 'd movie'],
  ['good', 'bad'],
  ['good ', 'bad'],
  ['good.', 'bad'],
  ['The plot', ' was great!!! and... terrible?'],
  ['Hated', ' it:(great)'],
  ['A', '\tgood\tfilm'],
  ['A', ' good\r\nfilm\n\nterrible'],
  ['A\ufeff', '\ufeffgood \x85bad \u00a0 great\u2028awful'],
  ['A\x1c', 'good\x1fbad'],
  ['café', ' naïve 😀 good 😡 — “great”'],
  ['😀', '😀'],
  ['SUPERB', ' ACTING, TERRIBLE PLOT'],
  ['The', ' constructor __proto__ hasOwnProperty toString valueOf'],
  ['Ratings: 4/10, 7.5', ' stars!  Two spaces\tand a tab\n'],
  ['ends here<|endoftext|>', ' and goes on great'],
  ['not', ''],
  ['not', 'good'],
  ['very', ' good'],
  ['isnt', ' great'],
  ["doesn't really", ' work, hardly good, non fun'],
  ['', '   '],
  ['  ', '  good  '],
  ['İstanbul', ' İYİ good ΣΑΣ'],
];

/** Negation reach: each negator, alone and across each bridge, before a lexicon word. */
function negationCases(): [string, string][] {
  const negators = 'not no never non hardly cant dont doesnt didnt isnt wasnt wont hasnt'.split(
    ' ',
  );
  const bridges = ['', 'very', 'really', 'so', 'the', 'truly', 'quite', 'not'];
  const variants = (w: string) =>
    w.endsWith('nt') ? [w, `${w.slice(0, -2)}n't`, `${w.slice(0, -2)}n’t`] : [w];
  return negators.flatMap((n) =>
    variants(n).flatMap((v) =>
      bridges.map((b, i): [string, string] =>
        i % 2 === 0 ? [`It was ${v}`, ` ${b} good`] : [`It was ${v} ${b}`, ' bad'],
      ),
    ),
  );
}

/**
 * Parity cases: each review split after its k-th word (k = 1 + i mod 8, as prompts are 2–8
 * words) and inside a word, the whole review with no prompt, the negation grid, the edge cases.
 */
export function rewardCheckCases(reviews: readonly Review[], count = 1200) {
  const cases: [string, string][] = [...EDGE_CASES, ...negationCases()];
  for (const [i, review] of reviews.slice(0, count).entries()) {
    const words = review.text.split(' ');
    const k = Math.min(words.length - 1, 1 + (i % 8));
    cases.push([words.slice(0, k).join(' '), ` ${words.slice(k).join(' ')}`]);
    const cut = Math.floor(review.text.length / 2);
    if (i % 3 === 0) cases.push([review.text.slice(0, cut), review.text.slice(cut)]);
    if (i % 5 === 0) cases.push(['', review.text]);
  }
  return cases.map(([prompt, completion]) => ({
    prompt,
    completion,
    reward: groundTruthReward(completion, prompt),
  }));
}

/** What TRL runs a run with, or why it does not. */
function planMarkdown(r: TrlRun): string {
  if (r.trl === null) return `not run: ${r.unsupported}`;
  const plan = r.trl;
  switch (plan.kind) {
    case 'reference':
      return 'π_ref evaluated (step 0)';
    case 'sft':
      return 'SFTTrainer on the chosen completions (completion-only loss)';
    case 'dpo':
    case 'cpo': {
      const trainer = plan.kind === 'cpo' ? 'trl.experimental CPOTrainer' : 'DPOTrainer';
      const rounds = (plan.rounds ?? 1) > 1 ? `, ${plan.rounds} online rounds` : '';
      const args = plan.args ? `, ${JSON.stringify(plan.args)}` : '';
      return `${trainer}, loss_type ${JSON.stringify(plan.lossType)}${args}${rounds}`;
    }
  }
}

/** README's section on this sweep: each run, and what TRL runs it with or why it cannot. */
export function trlJobRunsMarkdown(spec: ReturnType<typeof trlJobSpec>): string {
  const rows = spec.runs.map((r) => `| \`${r.id}\` | ${r.label} | ${planMarkdown(r)} |`);
  return [
    `## This sweep: ${spec.name}`,
    '',
    `Seeds ${spec.sweep.seeds.join(', ')}; evaluated on ${spec.evaluation}.`,
    '',
    '| run | label | on TRL |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
