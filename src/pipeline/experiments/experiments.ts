/**
 * Guided experiments on what DPO practitioners get wrong, as data: a question, the predictions
 * a learner picks from before running, the runs (settings patches over the defaults, by
 * setting path, plus explicit options the settings schema refuses on purpose), the charts to
 * watch, a reading of the outcome from the runs' metric points, and the source to read next.
 * `scripts/verify-experiments.ts` runs each on the shipped micro model over 3 seeds and
 * commits what it measured (results.json); a test checks every reading held in every seed.
 * No tfjs here: the UI imports it.
 */
import { defaultsOf, leavesOf, readSettings, setAt } from '../../util/setting';
import { type DpoRunSettings, RUN_SETTINGS } from '../settings';
import type { MetricPoint } from '../views';
import {
  first,
  fmt,
  jumpiness,
  last,
  mean,
  type ReadKey,
  rewardGain,
  roundStarts,
  series,
  values,
} from './reading';

/** Settings by path (`'loss.beta': 1`), over the defaults; validated by RUN_SETTINGS. */
type SettingsPatch = Readonly<Record<string, string | number>>;

/** What a run needs that the settings schema refuses on purpose. */
export interface ExperimentOptions {
  /** π_θ never moves (learning rate 0): a run with nothing to learn. */
  frozenPolicy?: true;
}

export interface ExperimentRun {
  label: string;
  patch: SettingsPatch;
  options?: ExperimentOptions;
}

interface Prediction {
  id: string;
  text: string;
}

export interface Reading {
  /** What the metrics show, in a sentence or two with the measured numbers. */
  happened: string;
  /** The prediction the metrics bear out. */
  answer: string;
  /** The measured effect: what verify-experiments records per seed. */
  effect: Record<string, number>;
}

interface Source {
  label: string;
  /** An arXiv id, a paper section, or a repository thread ("huggingface/trl#2371"). */
  ref: string;
}

export interface Experiment {
  id: string;
  title: string;
  question: string;
  predictions: Prediction[];
  /** The prediction the literature states (and verify-experiments checks in every seed). */
  expected: string;
  runs: ExperimentRun[];
  /** The charts to watch, by metric key. */
  charts: ReadKey[];
  /** Why it happens: shown with the reading. */
  why: string;
  read(runs: readonly MetricPoint[][]): Reading;
  sources: Source[];
}

/** Shared by every run: a short evaluation on 32 held-out prompts. */
const SHORT = { 'eval.prompts': 32 } as const;
/** Offline DPO on few prompts for many epochs: deterministic, easy pairs. */
const OFFLINE_EPOCHS = { ...SHORT, rounds: 1, 'data.prompts': 16, steps: 60 } as const;

const NOISE_RUN = { ...SHORT, 'data.prompts': 32, steps: 40, rounds: 2 } as const;
const IPO_RUN = { ...OFFLINE_EPOCHS, steps: 40, 'loss.beta': 0.5, 'optim.lr': 5e-4 } as const;
const TEMPERATURE_RUN = { ...SHORT, 'data.prompts': 32, steps: 40, rounds: 2 } as const;
/** Few labels, a small β, a long run: the implicit reward is over-optimised. */
const OVEROPT_RUN = {
  rounds: 1,
  'data.prompts': 16,
  steps: 120,
  'loss.beta': 0.05,
  'eval.every': 10,
  'eval.prompts': 64,
} as const;
const BETA_RUN = { ...SHORT, rounds: 1, 'data.prompts': 32, steps: 40 } as const;

const run = (label: string, patch: SettingsPatch, options?: ExperimentOptions): ExperimentRun =>
  options ? { label, patch, options } : { label, patch };
const p = (id: string, text: string): Prediction => ({ id, text });
const at = (runs: readonly MetricPoint[][], i: number): MetricPoint[] => runs[i] ?? [];

export const EXPERIMENTS: readonly Experiment[] = [
  {
    id: 'beta-direction',
    title: 'Which way does β pull?',
    question:
      'Two runs differ only in β: 0.05 and 1. Which one ends closer to π_ref (the smaller KL)?',
    predictions: [
      p('large-closer', 'β = 1: a larger β keeps π_θ closer to π_ref'),
      p('small-closer', 'β = 0.05: a smaller β is a tighter leash'),
      p('same', 'About the same: β only rescales the loss'),
    ],
    expected: 'large-closer',
    runs: [
      run('β = 0.05', { ...BETA_RUN, 'loss.beta': 0.05 }),
      run('β = 1', { ...BETA_RUN, 'loss.beta': 1 }),
    ],
    charts: ['eval/kl', 'eval/reward', 'rewards/margins'],
    why: 'β is the weight of the KL penalty in the objective DPO solves (r − β·KL). The loss −log σ(β·h) saturates once β·h is a few units, so a large β is satisfied by a small log-ratio h and π_θ stops near π_ref; a small β needs a large h. Several public courses state it backwards.',
    read(runs) {
      const small = last(at(runs, 0), 'eval/kl');
      const large = last(at(runs, 1), 'eval/kl');
      const answer =
        large < small * 0.8 ? 'large-closer' : small < large * 0.8 ? 'small-closer' : 'same';
      return {
        happened: `KL(π_θ ‖ π_ref) at the end: ${fmt(small)} nats with β = 0.05, ${fmt(large)} with β = 1.`,
        answer,
        effect: { klSmallBeta: small, klLargeBeta: large },
      };
    },
    sources: [
      { label: 'DPO paper, §4 and Eq. 7', ref: 'arXiv:2305.18290' },
      {
        label: 'The official DPO repository, issue 4',
        ref: 'eric-mitchell/direct-preference-optimization#4',
      },
      { label: 'smol-course had it backwards', ref: 'huggingface/smol-course#307' },
    ],
  },
  {
    id: 'stuck-at-ln2',
    title: 'Loss stuck at 0.693',
    question:
      'A run whose policy cannot move (learning rate 0, as with frozen parameters), beside a normal one. What does its loss do?',
    predictions: [
      p('stays-ln2', 'It sits at ln 2 ≈ 0.693 at every step, with accuracy 0 and margins 0'),
      p('falls-slowly', 'It falls, only more slowly'),
      p('random', 'It wanders around 0.693'),
    ],
    expected: 'stays-ln2',
    runs: [
      run('normal', { ...SHORT, rounds: 1, 'data.prompts': 16, steps: 20, 'eval.prompts': 16 }),
      run(
        'frozen (lr 0)',
        { ...SHORT, rounds: 1, 'data.prompts': 16, steps: 20, 'eval.prompts': 16 },
        { frozenPolicy: true },
      ),
    ],
    charts: ['loss', 'rewards/margins', 'rewards/accuracies', 'grad_norm'],
    why: 'With π_θ = π_ref every log-ratio is 0, so h = 0 and −log σ(0) = ln 2 for every pair. The gradient is not 0 (grad_norm shows it): nothing applies it. A TRL run at 0.6931 with logps of exactly 0 and a zero gradient is a different cause: nothing was scored (an empty completion mask).',
    read(runs) {
      const frozen = values(at(runs, 1), 'loss');
      const dev = Math.max(...frozen.map((l) => Math.abs(l - Math.LN2)));
      const normal = last(at(runs, 0), 'loss');
      const answer =
        dev < 1e-4
          ? 'stays-ln2'
          : last(at(runs, 1), 'loss') < Math.LN2 - 0.01
            ? 'falls-slowly'
            : 'random';
      return {
        happened: `The frozen run's loss stayed within ${dev.toExponential(1)} of ln 2 over ${frozen.length} logged steps (accuracy ${fmt(last(at(runs, 1), 'rewards/accuracies'))}); the normal run's fell to ${fmt(normal)}.`,
        answer,
        effect: { frozenMaxDeviation: dev, normalFinalLoss: normal },
      };
    },
    sources: [
      { label: 'ETO: loss stuck at 0.693 from empty labels', ref: 'Yifan-Song793/ETO#14' },
      { label: 'minimind: frozen parameters', ref: 'jingyaogong/minimind#430' },
    ],
  },
  {
    id: 'online-accuracy-drop',
    title: 'Why accuracy falls at every online round',
    question:
      'Online DPO in 3 rounds: at each round π_θ samples fresh pairs and trains on them. What does the batch accuracy do in rounds 2 and 3, against round 1 and against the held-out accuracy?',
    predictions: [
      p(
        'near-chance',
        'It falls back towards 0.5 and stays there, while the held-out accuracy stays up',
      ),
      p('keeps', 'It keeps climbing: the model already knows the task'),
      p('zero', 'It resets to 0, as at step 0'),
    ],
    expected: 'near-chance',
    runs: [run('online, 3 rounds', { ...SHORT, logEvery: 1 })],
    charts: ['rewards/accuracies', 'eval/pair_accuracy', 'loss'],
    why: 'rewards/accuracies is measured on the batch being trained on. From round 2 on that batch is fresh pairs sampled from the current π_θ: both completions are ones π_θ already likes, they differ by less, and its implicit reward has never been fitted to them, so it ranks them near chance (the loss even climbs back over ln 2). The held-out accuracy, on one fixed set of π_ref pairs, does not fall.',
    read(runs) {
      const pts = at(runs, 0);
      const [start2 = Number.POSITIVE_INFINITY] = roundStarts(pts);
      const acc = series(pts, 'rewards/accuracies');
      // Round 1 once it has learned (its second half), against every batch after it.
      const round1 = mean(acc.filter(([t]) => t > start2 / 2 && t <= start2).map(([, v]) => v));
      const later = mean(acc.filter(([t]) => t > start2).map(([, v]) => v));
      const heldOut = last(pts, 'eval/pair_accuracy');
      const answer =
        later < round1 - 0.1 && later < heldOut - 0.05
          ? 'near-chance'
          : later < 0.05
            ? 'zero'
            : 'keeps';
      return {
        happened: `Batch accuracy: ${fmt(round1)} on average over the second half of round 1, ${fmt(later)} over rounds 2 and 3; the held-out accuracy ended at ${fmt(heldOut)}.`,
        answer,
        effect: { round1Accuracy: round1, laterAccuracy: later, heldOutAccuracy: heldOut },
      };
    },
    sources: [
      { label: 'OAIF: online AI feedback', ref: 'arXiv:2402.04792' },
      { label: 'TRL OnlineDPOTrainer', ref: 'huggingface/trl (trl.experimental.online_dpo)' },
    ],
  },
  {
    id: 'too-easy-offline',
    title: 'Accuracy 1.0, loss near 0, and little to show',
    question:
      'Offline pairs from π_ref on 16 prompts, trained for 60 steps (several epochs), against online rounds on the same prompts and steps. Which gains more ground-truth reward?',
    predictions: [
      p('online', 'Online: its fresh pairs keep teaching; offline memorises easy pairs'),
      p('offline', 'Offline: accuracy 1.0 and a loss near 0 mean it learned the most'),
      p('same', 'The same: same prompts, same steps'),
    ],
    expected: 'online',
    runs: [
      run('offline, 1 round', OFFLINE_EPOCHS),
      run('online, 3 rounds', { ...OFFLINE_EPOCHS, rounds: 3 }),
    ],
    charts: ['rewards/accuracies', 'loss', 'eval/reward'],
    why: 'Off-policy pairs from π_ref are easy to separate: the implicit reward fits them in a few epochs (accuracy 1, loss → 0) while the samples π_θ actually writes barely move. Pairs sampled from π_θ sit where the policy is, so each round has something new to correct.',
    read(runs) {
      const off = at(runs, 0);
      const on = at(runs, 1);
      const gOff = rewardGain(off);
      const gOn = rewardGain(on);
      const answer = gOn > gOff + 0.02 ? 'online' : gOff > gOn + 0.02 ? 'offline' : 'same';
      return {
        happened: `Offline ended at batch accuracy ${fmt(last(off, 'rewards/accuracies'))} and loss ${fmt(last(off, 'loss'))}, a reward gain of ${fmt(gOff)} over π_ref; online gained ${fmt(gOn)}.`,
        answer,
        effect: {
          offlineAccuracy: last(off, 'rewards/accuracies'),
          offlineLoss: last(off, 'loss'),
          offlineGain: gOff,
          onlineGain: gOn,
        },
      };
    },
    sources: [
      { label: 'OPA-DPO: off-policy pairs too easy', ref: 'zhyang2226/OPA-DPO#10' },
      {
        label: 'alignment-handbook: loss drops at each epoch',
        ref: 'huggingface/alignment-handbook#38',
      },
      { label: 'OAIF', ref: 'arXiv:2402.04792' },
    ],
  },
  {
    id: 'batch-noise',
    title: 'Accuracy that only reads 0 or 1',
    question: 'The same offline run at 1 pair per step and at 16. Whose accuracy curve jumps more?',
    predictions: [
      p('small-jumps', 'Batch 1: with one pair the accuracy can only be 0 or 1'),
      p('large-jumps', 'Batch 16: more pairs, more noise'),
      p('same', 'The same: same data, same learning rate'),
    ],
    expected: 'small-jumps',
    runs: [
      run('batch 1', {
        ...SHORT,
        rounds: 1,
        'data.prompts': 16,
        steps: 30,
        batchSize: 1,
        logEvery: 1,
      }),
      run('batch 16', {
        ...SHORT,
        rounds: 1,
        'data.prompts': 16,
        steps: 30,
        batchSize: 16,
        logEvery: 1,
      }),
    ],
    charts: ['rewards/accuracies', 'loss'],
    why: 'Logged metrics are means over the batch: one pair gives an accuracy of exactly 0 or 1 and a loss that jumps with whichever pair was drawn. Read small-batch runs through a smoothed curve or a held-out set.',
    read(runs) {
      const a1 = values(at(runs, 0), 'rewards/accuracies').slice(1);
      const a16 = values(at(runs, 1), 'rewards/accuracies').slice(1);
      const j1 = jumpiness(a1);
      const j16 = jumpiness(a16);
      const binary = a1.filter((a) => a === 0 || a === 1).length / Math.max(1, a1.length);
      const answer = j1 > j16 * 1.5 ? 'small-jumps' : j16 > j1 * 1.5 ? 'large-jumps' : 'same';
      return {
        happened: `Mean step-to-step change of the accuracy: ${fmt(j1)} at batch 1 (${fmt(binary * 100)} % of its values exactly 0 or 1), ${fmt(j16)} at batch 16.`,
        answer,
        effect: { jumpBatch1: j1, jumpBatch16: j16, binaryShare: binary },
      };
    },
    sources: [
      { label: 'TRL: accuracies only 0 or 1', ref: 'huggingface/trl#2371' },
      { label: 'TRL: loss jumps', ref: 'huggingface/trl#1236' },
    ],
  },
  {
    id: 'likelihood-displacement',
    title: 'The chosen completion gets less likely',
    question:
      'Offline DPO for 60 steps, several epochs over the same pairs at lr 5e-4, raises the margin between chosen and rejected. What happens to log π_θ(chosen) itself?',
    predictions: [
      p('chosen-falls', 'It falls too; the rejected falls faster'),
      p('chosen-rises', 'It rises: DPO pushes the chosen up'),
      p('unchanged', 'It stays put; only the rejected moves'),
    ],
    expected: 'chosen-falls',
    runs: [run('offline DPO, lr 5e-4', { ...OFFLINE_EPOCHS, 'optim.lr': 5e-4 })],
    charts: ['logps/chosen', 'logps/rejected', 'rewards/chosen', 'rewards/margins'],
    why: 'The loss only sees the difference h. Both completions share most tokens and directions in the model, so pushing the rejected down drags the chosen with it, and probability mass moves to completions in neither (likelihood displacement). rewards/chosen below 0 is the same fact in reward units: normal, not a bug.',
    read(runs) {
      const pts = at(runs, 0);
      const c0 = first(pts, 'logps/chosen');
      const c1 = last(pts, 'logps/chosen');
      const r0 = first(pts, 'logps/rejected');
      const r1 = last(pts, 'logps/rejected');
      const margin = last(pts, 'rewards/margins');
      const answer = c1 < c0 - 0.1 ? 'chosen-falls' : c1 > c0 + 0.1 ? 'chosen-rises' : 'unchanged';
      return {
        happened: `log π_θ(chosen) went from ${fmt(c0)} to ${fmt(c1)} and log π_θ(rejected) from ${fmt(r0)} to ${fmt(r1)}, while the reward margin grew to ${fmt(margin)}.`,
        answer,
        effect: { chosenChange: c1 - c0, rejectedChange: r1 - r0, margin },
      };
    },
    sources: [
      { label: 'Razin et al. 2024, likelihood displacement', ref: 'arXiv:2410.08847' },
      {
        label: 'Official DPO repo: rewards/chosen falls',
        ref: 'eric-mitchell/direct-preference-optimization#8',
      },
      { label: 'TRL', ref: 'huggingface/trl#800' },
    ],
  },
  {
    id: 'degeneration',
    title: 'Degeneration: a high learning rate and a small β',
    question:
      'Offline DPO at lr 2e-4, β = 0.1, against lr 3e-3, β = 0.01. What happens to the fluency of π_θ’s samples?',
    predictions: [
      p(
        'aggressive-degrades',
        'The aggressive run writes less fluent text and drifts far (a large KL)',
      ),
      p('aggressive-better', 'The aggressive run is better: it learns faster'),
      p('same', 'Fluency does not change: DPO only moves sentiment'),
    ],
    expected: 'aggressive-degrades',
    runs: [
      run('lr 2e-4, β = 0.1', { ...OFFLINE_EPOCHS, 'data.prompts': 32 }),
      run('lr 3e-3, β = 0.01', {
        ...OFFLINE_EPOCHS,
        'data.prompts': 32,
        'optim.lr': 3e-3,
        'loss.beta': 0.01,
      }),
    ],
    charts: ['eval/fluency', 'eval/kl', 'eval/reward'],
    why: 'With a weak KL leash and large steps DPO can satisfy the pairs by pushing the rejected completions’ tokens down anywhere, which moves probability to odd tokens and repetitions; the samples leave the corpus’s vocabulary. Remedies from the threads: a higher β, a lower lr, IPO, or an SFT term (RPO).',
    read(runs) {
      const gentle = at(runs, 0);
      const hard = at(runs, 1);
      const fG = last(gentle, 'eval/fluency');
      const fH = last(hard, 'eval/fluency');
      const kG = last(gentle, 'eval/kl');
      const kH = last(hard, 'eval/kl');
      const answer =
        fH < fG - 0.01 && kH > kG
          ? 'aggressive-degrades'
          : fH > fG + 0.01
            ? 'aggressive-better'
            : 'same';
      return {
        happened: `Fluency of π_θ's samples: ${fmt(fG)} (lr 2e-4, β = 0.1, KL ${fmt(kG)}) against ${fmt(fH)} (lr 3e-3, β = 0.01, KL ${fmt(kH)}).`,
        answer,
        effect: { fluencyGentle: fG, fluencyAggressive: fH, klGentle: kG, klAggressive: kH },
      };
    },
    sources: [
      { label: 'TRL: repetition after DPO', ref: 'huggingface/trl#1239' },
      { label: 'TRL: never stops generating', ref: 'huggingface/trl#1025' },
      { label: 'TRL: degenerate outputs', ref: 'huggingface/trl#2382' },
    ],
  },
  {
    id: 'label-noise',
    title: 'Flipped labels, and what cDPO does about them',
    question:
      '40 % of the pairs get chosen and rejected swapped. DPO on clean pairs, DPO on the noisy ones, cDPO (ε = 0.4) on the noisy ones: what does the noise cost, and what does cDPO change?',
    predictions: [
      p(
        'cdpo-leash',
        'Noise costs DPO reward; cDPO mostly stays closer to π_ref (less KL), it does not win the reward back',
      ),
      p('cdpo-rescues', 'Noise costs DPO reward; cDPO wins it back'),
      p('no-cost', 'Noise costs nothing: 60 % of the labels are still right'),
    ],
    expected: 'cdpo-leash',
    runs: [
      run('DPO, clean', NOISE_RUN),
      run('DPO, 40 % flipped', { ...NOISE_RUN, 'data.labelNoise': 0.4 }),
      run('cDPO ε = 0.4, 40 % flipped', {
        ...NOISE_RUN,
        'data.labelNoise': 0.4,
        'loss.type': 'cdpo',
        'loss.labelSmoothing': 0.4,
      }),
    ],
    charts: ['eval/reward', 'eval/kl', 'rewards/accuracies'],
    why: 'Flipped pairs pull the implicit reward the wrong way, so the reward gain shrinks. cDPO (TRL: label_smoothing, not a loss_type) mixes in the flipped loss with weight ε: its optimum margin is finite, so π_θ stops early, close to π_ref. It trades reward for a small KL rather than undoing the noise.',
    read(runs) {
      const clean = rewardGain(at(runs, 0));
      const noisy = rewardGain(at(runs, 1));
      const cdpo = rewardGain(at(runs, 2));
      const klNoisy = last(at(runs, 1), 'eval/kl');
      const klCdpo = last(at(runs, 2), 'eval/kl');
      const costs = noisy < clean - 0.02;
      const answer = !costs
        ? 'no-cost'
        : cdpo > noisy + 0.02 && cdpo > clean - 0.02
          ? 'cdpo-rescues'
          : klCdpo < klNoisy
            ? 'cdpo-leash'
            : 'cdpo-rescues';
      return {
        happened: `Reward gain over π_ref: clean DPO ${fmt(clean)}, noisy DPO ${fmt(noisy)} (KL ${fmt(klNoisy)}), noisy cDPO ${fmt(cdpo)} (KL ${fmt(klCdpo)}).`,
        answer,
        effect: { gainClean: clean, gainNoisy: noisy, gainCdpo: cdpo, klNoisy, klCdpo },
      };
    },
    sources: [
      {
        label: 'cDPO (Mitchell 2023) and robust DPO (Chowdhury et al. 2024)',
        ref: 'arXiv:2403.00409',
      },
      {
        label: 'TRL docs said loss_type="cdpo"; it is label_smoothing',
        ref: 'huggingface/trl#1655',
      },
    ],
  },
  {
    id: 'ipo-margin',
    title: 'IPO’s argument: DPO’s margin has no end',
    question:
      'Deterministic preferences, several epochs over the same pairs, β = 0.5. DPO against IPO: where does the reward margin go?',
    predictions: [
      p(
        'dpo-unbounded',
        'DPO pushes it far up (π(rejected) → 0); IPO’s stays within its target 1/(2β)',
      ),
      p('both-settle', 'Both settle: β regularises DPO too'),
      p('ipo-larger', 'IPO’s grows larger'),
    ],
    expected: 'dpo-unbounded',
    runs: [run('DPO β = 0.5', IPO_RUN), run('IPO β = 0.5', { ...IPO_RUN, 'loss.type': 'ipo' })],
    charts: ['rewards/margins', 'logps/rejected', 'loss'],
    why: 'When the labels are deterministic, the Bradley–Terry optimum puts π(rejected) at 0: DPO’s loss keeps falling as the margin grows without bound, whatever β is (Azar et al.). IPO regresses the log-ratio margin h onto 1/(2β) = 1 nat, so its margin stops there.',
    read(runs) {
      const dpo = at(runs, 0);
      const ipo = at(runs, 1);
      // h = margin / β, the log-ratio margin IPO regresses onto 1/(2β).
      const hDpo = last(dpo, 'rewards/margins') / 0.5;
      const hIpo = last(ipo, 'rewards/margins') / 0.5;
      const answer =
        hDpo > 2 * hIpo ? 'dpo-unbounded' : hIpo > 2 * hDpo ? 'ipo-larger' : 'both-settle';
      return {
        happened: `Log-ratio margin h at the end: DPO ${fmt(hDpo)} nats, IPO ${fmt(hIpo)} (its target 1/(2β) = 1); log π_θ(rejected) moved by ${fmt(last(dpo, 'logps/rejected') - first(dpo, 'logps/rejected'))} under DPO and by ${fmt(last(ipo, 'logps/rejected') - first(ipo, 'logps/rejected'))} under IPO.`,
        answer,
        effect: { marginDpo: hDpo, marginIpo: hIpo },
      };
    },
    sources: [
      { label: 'Azar et al. 2023, A General Theoretical Paradigm (IPO)', ref: 'arXiv:2310.12036' },
    ],
  },
  {
    id: 'title-claim',
    title: 'Your language model is secretly a reward model',
    question:
      'After DPO, rank a fixed set of held-out pairs (π_ref’s samples on prompts it never trained on) by the implicit reward β·log π_θ/π_ref. How often is the chosen ranked first?',
    predictions: [
      p('above-chance', 'Better than chance: the implicit reward generalises'),
      p('chance', 'About half: it only memorised its training pairs'),
      p('below-chance', 'Worse than chance'),
    ],
    expected: 'above-chance',
    runs: [run('online DPO', SHORT)],
    charts: ['eval/pair_accuracy', 'rewards/accuracies'],
    why: 'The implicit reward r̂ = β·log π_θ/π_ref is a reward model fitted by the same Bradley–Terry loss, so it ranks unseen pairs of the same task above chance. (On this task a separately trained reward model ranks them better still: see the frontier panel.)',
    read(runs) {
      const acc = last(at(runs, 0), 'eval/pair_accuracy');
      const answer = acc > 0.55 ? 'above-chance' : acc < 0.45 ? 'below-chance' : 'chance';
      return {
        happened: `The implicit reward ranked ${fmt(acc * 100)} % of the held-out pairs right (chance: 50 %).`,
        answer,
        effect: { heldOutAccuracy: acc },
      };
    },
    sources: [{ label: 'DPO paper, §5', ref: 'arXiv:2305.18290' }],
  },
  {
    id: 'sampling-temperature',
    title: 'Sampling temperature: SFT against DPO',
    question:
      'The same DPO training, its samples (and π_ref’s) drawn at temperature 0.5 and at 1. How do the rewards of the SFT model and of the DPO policy change with the temperature?',
    predictions: [
      p(
        'lower-higher',
        'At 0.5 the DPO policy scores higher than at 1, and it stays well above SFT at both',
      ),
      p('higher-higher', 'At 1 it scores higher: more varied samples find more positive words'),
      p(
        'gain-vanishes',
        'Away from temperature 1 (where its pairs were sampled) DPO’s gain vanishes',
      ),
    ],
    expected: 'lower-higher',
    runs: [
      run('sampled at 0.5', { ...TEMPERATURE_RUN, 'eval.temperature': 0.5 }),
      run('sampled at 1', TEMPERATURE_RUN),
    ],
    charts: ['eval/reward', 'eval/ref_reward', 'eval/kl'],
    why: 'Lowering the temperature sharpens each model towards its own modes. π_ref’s modes are neutral reviews, so its reward barely moves; DPO moved π_θ’s modes towards positive words, so sharpening helps it. The paper’s Fig. 2 (right) shows DPO’s win rate holding across sampling temperatures where PPO’s falls at high temperature.',
    read(runs) {
      const cold = at(runs, 0);
      const warm = at(runs, 1);
      const rCold = last(cold, 'eval/reward');
      const rWarm = last(warm, 'eval/reward');
      const gCold = rewardGain(cold);
      const gWarm = rewardGain(warm);
      const answer =
        gCold < 0.05
          ? 'gain-vanishes'
          : rCold > rWarm + 0.01 && gWarm > 0.1
            ? 'lower-higher'
            : rWarm > rCold + 0.01
              ? 'higher-higher'
              : 'gain-vanishes';
      return {
        happened: `π_θ's reward: ${fmt(rCold)} at temperature 0.5 (π_ref ${fmt(last(cold, 'eval/ref_reward'))}), ${fmt(rWarm)} at 1 (π_ref ${fmt(last(warm, 'eval/ref_reward'))}).`,
        answer,
        effect: { rewardAt05: rCold, rewardAt1: rWarm, gainAt05: gCold, gainAt1: gWarm },
      };
    },
    sources: [{ label: 'DPO paper, §6 and Fig. 2 (right)', ref: 'arXiv:2305.18290' }],
  },
  {
    id: 'gradient-weight',
    title: 'Which pairs does DPO still learn from?',
    question:
      'Offline DPO on 16 prompts’ pairs for many epochs. DPO’s gradient weighs each pair by σ(r̂_l − r̂_w). What happens to the batch’s mean weight as training goes on?',
    predictions: [
      p('falls', 'It falls from ½: pairs already ranked right stop contributing'),
      p('stays', 'It stays near ½: every pair always counts the same, as in a cross-entropy'),
      p('rises', 'It rises: DPO pushes harder as the margins grow'),
    ],
    expected: 'falls',
    runs: [run('offline DPO, 16 prompts', OFFLINE_EPOCHS)],
    charts: ['grad_weight', 'rewards/accuracies', 'rewards/margins'],
    why: 'The gradient of the DPO loss (paper §3) is β·σ(r̂_l − r̂_w)·[∇log π(y_w) − ∇log π(y_l)]: a pair the implicit reward already ranks right by a wide margin weighs almost nothing, a pair it ranks wrong weighs almost 1. Unlike an unlikelihood loss, DPO stops pushing on what it has learned; that weight, with β, is what keeps it from degenerating.',
    read(runs) {
      const w = values(at(runs, 0), 'grad_weight');
      const early = mean(w.slice(0, 3));
      const late = mean(w.slice(-5));
      const acc = mean(values(at(runs, 0), 'rewards/accuracies').slice(-5));
      const answer = late < early - 0.1 ? 'falls' : late > early + 0.1 ? 'rises' : 'stays';
      return {
        happened: `Mean σ(r̂_l − r̂_w) over the batch: ${fmt(early)} in the first steps, ${fmt(late)} at the end (batch accuracy ${fmt(acc)}).`,
        answer,
        effect: { weightEarly: early, weightLate: late, accuracyLate: acc },
      };
    },
    sources: [{ label: 'DPO paper, §3 (what does the DPO update do?)', ref: 'arXiv:2305.18290' }],
  },
  {
    id: 'over-optimisation',
    title: 'Reward over-optimisation: more KL, less reward',
    question:
      'DPO with β = 0.05 on only 16 prompts’ pairs, trained for 120 steps and evaluated every 10. How does the ground-truth reward of π_θ’s samples move as the KL grows?',
    predictions: [
      p('rise-then-fall', 'It rises, then falls while the KL keeps growing'),
      p('keeps-rising', 'It keeps rising: more optimisation, more reward'),
      p('never-rises', 'It never rises: 16 prompts’ labels are too few'),
    ],
    expected: 'rise-then-fall',
    runs: [run('β = 0.05, 16 prompts, 120 steps', OVEROPT_RUN)],
    charts: ['eval/reward', 'eval/kl', 'rewards/accuracies'],
    why: 'The labels are a proxy for r*: DPO fits the implicit reward to few pairs, and past a point what raises it on those pairs (their particular words, odd tokens) no longer raises r*. The paper leaves reward over-optimisation in the direct setting as an open question (§6); Gao et al. measured it for learned reward models. A larger β, more labels or early stopping on held-out reward keep the run near the peak.',
    read(runs) {
      const r = series(at(runs, 0), 'eval/reward');
      const kl = values(at(runs, 0), 'eval/kl');
      const start = r[0]?.[1] ?? Number.NaN;
      let peak = 0;
      for (let i = 1; i < r.length; i++) if ((r[i]?.[1] ?? -1) > (r[peak]?.[1] ?? -1)) peak = i;
      const top = r[peak]?.[1] ?? Number.NaN;
      const end = r.at(-1)?.[1] ?? Number.NaN;
      const answer =
        top < start + 0.03
          ? 'never-rises'
          : end < top - 0.05 && peak < r.length - 1
            ? 'rise-then-fall'
            : 'keeps-rising';
      return {
        happened: `r* of π_θ's samples: ${fmt(start)} at the start, ${fmt(top)} at step ${r[peak]?.[0]} (KL ${fmt(kl[peak] ?? Number.NaN)}), ${fmt(end)} at the end (KL ${fmt(kl.at(-1) ?? Number.NaN)}).`,
        answer,
        effect: {
          rewardStart: start,
          rewardPeak: top,
          rewardEnd: end,
          klPeak: kl[peak] ?? Number.NaN,
          klEnd: kl.at(-1) ?? Number.NaN,
        },
      };
    },
    sources: [
      { label: 'DPO paper, §6 (limitations and future work)', ref: 'arXiv:2305.18290' },
      {
        label: 'Gao et al., scaling laws for reward model overoptimization',
        ref: 'arXiv:2210.10760',
      },
    ],
  },
];

export function experimentById(id: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}

/** The reading and whether the learner's prediction matched it. */
export function judge(
  exp: Experiment,
  runs: readonly MetricPoint[][],
  predicted: string | null,
): Reading & { predictionRight: boolean; holds: boolean } {
  const r = exp.read(runs);
  return { ...r, predictionRight: predicted === r.answer, holds: r.answer === exp.expected };
}

const PATHS = new Set(leavesOf(RUN_SETTINGS).map((l) => l.path.join('.')));

/** A run's settings: the defaults, the run's patch, the seed; throws on a value out of bounds. */
export function experimentSettings(r: ExperimentRun, seed: number): DpoRunSettings {
  const raw = defaultsOf(RUN_SETTINGS) as unknown as Record<string, unknown>;
  for (const [path, v] of Object.entries(r.patch)) {
    if (!PATHS.has(path)) throw new Error(`${r.label}: no setting "${path}"`);
    setAt(raw, path.split('.'), v);
  }
  raw.seed = seed;
  const { value, problems } = readSettings(RUN_SETTINGS, raw);
  if (problems.length > 0) {
    throw new Error(`${r.label}: ${problems.map((q) => JSON.stringify(q)).join('; ')}`);
  }
  return value;
}
