/**
 * A TRL run's `trainer_state.json` (what transformers' Trainer writes beside each checkpoint) →
 * the points the training charts draw, plus a short reading of the run. Pure: no React, no
 * tfjs. Train rows carry TRL's metric names, which are this app's (`loss`, `rewards/chosen`,
 * …, `grad_norm`); eval rows carry the same names with an `eval_` prefix; the last row is the
 * Trainer's summary (`train_loss`, `train_runtime`) and is not a point.
 */
import { z } from 'zod';
import { METRIC_KEYS, type MetricPoint } from '../../pipeline/views';

/** TRL's training metrics are this app's own names (views.ts), up to the learning rate. */
const TRL_TRAIN_KEYS = METRIC_KEYS.slice(0, METRIC_KEYS.indexOf('learning_rate') + 1);

type TrlPreferenceKey = Exclude<(typeof TRL_TRAIN_KEYS)[number], 'grad_norm' | 'learning_rate'>;

/** The eval_ twins of the preference metrics, drawn dashed beside the train ones. */
const TRL_EVAL_KEYS = TRL_TRAIN_KEYS.filter(
  (k): k is TrlPreferenceKey => k !== 'grad_norm' && k !== 'learning_rate',
).map((k) => `eval_${k}` as const);

export type TrlEvalKey = (typeof TRL_EVAL_KEYS)[number];

/** A log row: numbers, plus whatever else a callback logged (strings, null) which is ignored. */
const Row = z.looseObject({ step: z.number().int().nonnegative() });

const TrainerState = z.looseObject({
  log_history: z.array(Row),
  global_step: z.number().int().nonnegative().optional(),
  max_steps: z.number().int().optional(),
  epoch: z.number().nullable().optional(),
});

export interface TrlRun {
  points: MetricPoint[];
  trainRows: number;
  evalRows: number;
  globalStep: number;
  /** Short sentences on what the curves say (see readRun). */
  reading: string[];
}

export type TrlRunImport = { ok: true; run: TrlRun } | { ok: false; error: string };

const MAX_ROWS = 1_000_000;

/** Parses trainer_state.json text; never throws. */
export function parseTrainerState(text: string): TrlRunImport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const parsed = TrainerState.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'the file';
    return {
      ok: false,
      error: `not a trainer_state.json: ${where}: ${issue?.message ?? 'invalid'} (expected {"log_history": [{"step": …, "loss": …}, …]})`,
    };
  }
  const history = parsed.data.log_history;
  if (history.length > MAX_ROWS) return { ok: false, error: `over ${MAX_ROWS} log rows` };
  const points: MetricPoint[] = [];
  let trainRows = 0;
  let evalRows = 0;
  const tokens: { step: number; v: number }[] = [];
  for (const row of history) {
    if (typeof row.num_tokens === 'number' && Number.isFinite(row.num_tokens)) {
      tokens.push({ step: row.step, v: row.num_tokens });
    }
    const point: MetricPoint = { step: row.step, phase: 'dpo' };
    let train = false;
    let evaluated = false;
    for (const k of TRL_TRAIN_KEYS) {
      const v = row[k];
      if (typeof v === 'number' && Number.isFinite(v)) {
        point[k] = v;
        train ||= k === 'loss' || k.startsWith('rewards/');
      }
    }
    for (const k of TRL_EVAL_KEYS) {
      const v = row[k];
      if (typeof v === 'number' && Number.isFinite(v)) {
        point[k] = v;
        evaluated = true;
      }
    }
    if (train) trainRows++;
    if (evaluated) evalRows++;
    if (train || evaluated) points.push(point);
  }
  if (points.length === 0) {
    return {
      ok: false,
      error:
        'log_history has no train or eval rows with DPO metrics (loss, rewards/…): was it a DPOTrainer run with logging on?',
    };
  }
  points.sort((a, b) => a.step - b.step);
  const globalStep = parsed.data.global_step ?? points[points.length - 1]?.step ?? 0;
  return {
    ok: true,
    run: {
      points,
      trainRows,
      evalRows,
      globalStep,
      reading: readRun(points, tokensPerStep(tokens)),
    },
  };
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** "a → b" with enough digits (3 to 6 significant) that a and b read differently. */
function change(a: number, b: number): string {
  for (let p = 3; p < 6; p++) {
    if (a.toPrecision(p) !== b.toPrecision(p)) return `${a.toPrecision(p)} → ${b.toPrecision(p)}`;
  }
  return `${a.toPrecision(6)} → ${b.toPrecision(6)}`;
}

/** A fall of a reward smaller than this (nats × β) is read as flat. */
const FLAT = 1e-3;

function series(points: MetricPoint[], key: string): { step: number; v: number }[] {
  const out: { step: number; v: number }[] = [];
  for (const p of points) {
    const v = p[key];
    if (typeof v === 'number') out.push({ step: p.step, v });
  }
  return out;
}

/** Mean of the last ⌈n/4⌉ values (at least one): the end of a noisy curve. */
function tail(values: number[]): number {
  const k = Math.max(1, Math.ceil(values.length / 4));
  const last = values.slice(-k);
  return last.reduce((a, b) => a + b, 0) / last.length;
}

/** TRL's `num_tokens` is cumulative: tokens per optimisation step between its last two rows. */
function tokensPerStep(tokens: { step: number; v: number }[]): number | undefined {
  const a = tokens.at(-2);
  const b = tokens.at(-1);
  if (!b) return undefined;
  if (!a) return b.step > 0 ? b.v / b.step : undefined;
  return b.step > a.step ? (b.v - a.v) / (b.step - a.step) : undefined;
}

const all = (xs: number[], f: (x: number) => boolean) => xs.length > 0 && xs.every(f);
const NEAR_LN2 = (x: number) => Math.abs(x - Math.LN2) < 1e-3;

/**
 * The causes a trainer_state.json can name when the loss sits at ln 2 (the questions the DPO
 * trackers keep getting): nothing scored, nothing applied, nothing to tell apart.
 */
function stuckCause(points: MetricPoint[], tokens: number | undefined): string | null {
  const v = (k: string) => series(points, k).map((p) => p.v);
  const loss = v('loss');
  if (!all(loss, NEAR_LN2)) return null;
  const logps = [...v('logps/chosen'), ...v('logps/rejected')];
  const grad = v('grad_norm');
  const lr = v('learning_rate');
  const tok = tokens === undefined ? '' : `, ${fmt(tokens)} tokens per step`;
  if (all(logps, (x) => x === 0) && (grad.length === 0 || all(grad, (x) => x === 0))) {
    return `Nothing was scored: the loss is ln 2 at every step, logps/chosen and logps/rejected are exactly 0 and the gradient is 0${tok}. A sum of log-probs is 0 only over no tokens, so every completion token was masked out: the completion mask is empty. Check the tokenisation (did the chosen and rejected texts produce any ids after the prompt? a chat template or a tokenizer without an end-of-text token can leave none) and the truncation (max_length / max_prompt_length may cut the completions away).`;
  }
  if (all(lr, (x) => x === 0)) {
    return `The learning rate is 0 at every logged step: π_θ never moves, so every pair scores h = 0 and the loss stays at ln 2. Check the scheduler and its warm-up.`;
  }
  if (grad.length > 0 && all(grad, (x) => x === 0)) {
    return `The loss is ln 2 and the gradient is exactly 0 while the log-probs are not: the policy's parameters are not being trained (frozen, requires_grad off, or a PEFT adapter that is not attached), so π_θ = π_ref throughout.`;
  }
  const margins = v('rewards/margins');
  if (all(margins, (x) => x === 0)) {
    return `The loss is ln 2 and every margin is exactly 0 although gradients flow: chosen and rejected score identically, which happens when they are the same text (ties in the data, or a column mapping that feeds the chosen twice).`;
  }
  return null;
}

/**
 * What the curves say, in a few sentences, from the train rows (eval rows when there are
 * none): margins growing while chosen rewards fall is normal DPO; accuracy at 1 means the
 * training pairs are separated; a loss stuck near ln 2 means π_θ ≈ π_ref, no signal.
 */
export function readRun(points: MetricPoint[], tokensPerStep?: number): string[] {
  const hasTrain = series(points, 'loss').length > 0;
  const key = (k: string) => (hasTrain ? k : `eval_${k}`);
  const loss = series(points, key('loss')).map((p) => p.v);
  const margins = series(points, key('rewards/margins')).map((p) => p.v);
  const chosen = series(points, key('rewards/chosen')).map((p) => p.v);
  const acc = series(points, key('rewards/accuracies'));
  const out: string[] = [];
  const which = hasTrain ? 'Training' : 'Evaluation';
  const endLoss = loss.length > 0 ? tail(loss) : undefined;
  const stuck = hasTrain ? stuckCause(points, tokensPerStep) : null;
  if (stuck) return [stuck];
  if (endLoss !== undefined && Math.abs(endLoss - Math.LN2) < 0.02) {
    out.push(
      `${which} loss ends near ln 2 ≈ 0.693 (${fmt(endLoss)}): π_θ still scores chosen and rejected as π_ref does — no preference signal learned yet. Check the learning rate, β, and that chosen and rejected really differ.`,
    );
  }
  const m0 = margins[0];
  const c0 = chosen[0];
  if (margins.length >= 2 && m0 !== undefined) {
    const m1 = tail(margins);
    if (m1 > m0) {
      const c1 = chosen.length >= 2 ? tail(chosen) : undefined;
      if (c1 !== undefined && c0 !== undefined && c1 < c0 - FLAT) {
        out.push(
          c1 < 0
            ? `Margins grew (${change(m0, m1)}) while rewards/chosen fell below zero (${change(c0, c1)}): π_θ gives the chosen completions less probability than π_ref did, and the rejected ones much less. That is how DPO usually moves; it is not a broken model.`
            : `Margins grew (${change(m0, m1)}) while rewards/chosen fell (${change(c0, c1)}) but stayed above zero: the chosen completions are still more likely than under π_ref, and the rejected ones fell faster. A falling rewards/chosen is normal in DPO.`,
        );
      } else {
        out.push(
          `Margins grew (${change(m0, m1)}) and rewards/chosen did not fall: π_θ kept or raised the chosen completions' probability and lowered the rejected ones'.`,
        );
      }
    } else {
      out.push(
        `Margins did not grow (${change(m0, m1)}): the model is not separating chosen from rejected.`,
      );
    }
  }
  const binary = acc.length >= 4 && acc.every((p) => p.v === 0 || p.v === 1);
  if (binary && !acc.every((p) => p.v === 1)) {
    out.push(
      `Accuracy reads only 0 or 1 and jumps between them: each logged value is the mean over a batch of one pair (per device), so it is a coin per step, not a trend. Raise the batch (or gradient accumulation), log less often, or watch an eval set.`,
    );
  }
  const saturated = acc.find((p) => p.v >= 0.99);
  if (saturated) {
    out.push(
      `Accuracy reached 1 at step ${saturated.step}: every pair of the batch is ranked right, so it cannot show further progress; watch the margins and the eval rows for overfitting. Early saturation with little change in the samples usually means the pairs are too easy (off-policy pairs the policy would never write); pairs sampled from the policy itself keep teaching.`,
    );
  }
  const trainLoss = series(points, 'loss').map((p) => p.v);
  const evalLoss = series(points, 'eval_loss').map((p) => p.v);
  const e0 = evalLoss[0];
  const t0 = trainLoss[0];
  if (evalLoss.length >= 3 && trainLoss.length >= 3 && e0 !== undefined && t0 !== undefined) {
    const eMin = Math.min(...evalLoss);
    if (tail(trainLoss) < t0 && tail(evalLoss) > eMin + 0.05) {
      out.push(
        `Eval loss rose from its low of ${fmt(eMin)} while the training loss kept falling: π_θ is overfitting the training pairs.`,
      );
    }
  }
  return out;
}
