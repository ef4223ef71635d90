/**
 * Frontier points and what is made of them: the CSV rows and the per-run summary (final and
 * best reward, KL at the end, time). Pure, no tfjs: the UI and the Node runner share it.
 */
import Papa from 'papaparse';
import type { RunCompute } from './budget';
import type { FrontierAlgorithm } from './sweepConfig';

/** One (KL, reward) point of one run (paper Fig. 2, left). */
export interface FrontierPoint {
  runId: string;
  algorithm: FrontierAlgorithm;
  label: string;
  /** Training step (PPO: iteration) at which the policy was evaluated; 0 = the SFT model. */
  step: number;
  /** The replicate (training) seed of a multi-seed sweep (pipeline/frontier/seeds.ts). */
  seed?: number;
  /** Best-of-N only: the N of this point. */
  n?: number;
  /**
   * KL(π_θ ‖ π_ref) in nats per completion: the mean over evaluation samples of the exact
   * Σ_t KL of the next-token distributions, or for Best-of-N the analytic log N − (N−1)/N.
   */
  kl: number;
  /** Standard error of `kl` over the evaluation samples (0 for the analytic bound). */
  klStderr: number;
  klKind: 'exact' | 'analytic';
  /** Mean ground-truth reward of the evaluation samples, and its standard error. */
  reward: number;
  rewardStderr: number;
  /** Evaluation samples behind the means. */
  samples: number;
  /** One evaluation sample, "prompt ⟶ completion", for a look at the text. */
  sample?: string;
  /**
   * Mean reward of the same checkpoint on validation prompts (eval.validationPrompts): what a
   * 'best' checkpoint is chosen by, so the reported evaluation never chooses it.
   */
  validationReward?: number;
}

/** Mean and standard error of the mean s/√n (sample std, n − 1); NaN for no values. */
export function meanStderr(xs: readonly number[]): { mean: number; stderr: number } {
  const n = xs.length;
  if (n === 0) return { mean: Number.NaN, stderr: Number.NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, stderr: 0 };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, stderr: Math.sqrt(variance / n) };
}

export const POINT_CSV_COLUMNS = [
  'runId',
  'algorithm',
  'label',
  'seed',
  'step',
  'n',
  'kl',
  'klStderr',
  'klKind',
  'reward',
  'rewardStderr',
  'samples',
  'sample',
  'validationReward',
] as const;

/** Sweeps without validation evaluations write (and older ones wrote) no validationReward. */
const columnsOf = (withValidation: boolean) =>
  withValidation ? POINT_CSV_COLUMNS : POINT_CSV_COLUMNS.slice(0, -1);

/** points.csv: one row per point, POINT_CSV_COLUMNS, quoted where needed (papaparse). */
export function pointsCsv(points: readonly FrontierPoint[]): string {
  const columns = columnsOf(points.some((p) => p.validationReward !== undefined));
  const rows = points.map((p) => columns.map((k) => p[k] ?? ''));
  return Papa.unparse({ fields: [...columns], data: rows }, { newline: '\n' });
}

const NUMBER_COLUMNS = new Set<string>([
  'seed',
  'step',
  'n',
  'kl',
  'klStderr',
  'reward',
  'rewardStderr',
  'samples',
  'validationReward',
]);

/**
 * The inverse of pointsCsv, numbers at full precision (JS prints the shortest string that
 * reads back to the same double), so a replot writes the CSV a fresh run wrote. Empty cells
 * are absent fields (seed, n, sample).
 */
export function parsePointsCsv(csv: string): FrontierPoint[] {
  const [head, ...rows] = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
  const columns = [true, false].map(columnsOf).find((c) => head?.join(',') === c.join(','));
  if (!columns) {
    throw new Error(`points.csv: expected the columns ${POINT_CSV_COLUMNS.join(',')}`);
  }
  return rows.map((row) => {
    const p: Record<string, string | number> = {};
    for (const [i, k] of columns.entries()) {
      const cell = row[i] ?? '';
      if (cell !== '') p[k] = NUMBER_COLUMNS.has(k) ? Number(cell) : cell;
    }
    return p as unknown as FrontierPoint;
  });
}

/**
 * points.json's points (numbers rounded to 6 digits) with the values of the same rows of
 * points.csv (full precision), each object's key order kept: what the fresh run held.
 */
export function withCsvValues(
  points: readonly FrontierPoint[],
  csv: readonly FrontierPoint[],
): FrontierPoint[] {
  if (csv.length !== points.length) {
    throw new Error(`points.csv has ${csv.length} rows, points.json ${points.length} points`);
  }
  return points.map((p, i) => {
    const c = csv[i] as FrontierPoint;
    if (c.runId !== p.runId || c.step !== p.step || c.seed !== p.seed || c.n !== p.n) {
      throw new Error(`points.csv row ${i + 1} is not points.json's point ${i + 1}`);
    }
    const entries = Object.entries(p).map(([k, v]) => [
      k,
      k in c ? c[k as keyof FrontierPoint] : v,
    ]);
    return Object.fromEntries(entries) as FrontierPoint;
  });
}

export interface RunSummary {
  runId: string;
  algorithm: FrontierAlgorithm;
  label: string;
  /** The run's settings as resolved (for the record). */
  config: unknown;
  /** The last point: for a trained run the end of training, for Best-of-N its largest N. */
  final: { step: number; n?: number; kl: number; reward: number; rewardStderr: number } | null;
  /**
   * The checkpoint with the highest mean validation reward (eval.validationPrompts), reported
   * at its test figures; null when the sweep evaluated no validation prompts.
   */
  best: { step: number; n?: number; kl: number; reward: number; rewardStderr: number } | null;
  points: number;
  seconds: number;
  /** The run's use of the sweep's budget (pipeline/frontier/budget.ts); absent for untrained runs. */
  budget?: { updates: number; samples: number; epochs?: number };
  /**
   * Held-out pair accuracy on the test prompts' pairs: of the reward model this run learned
   * (PPO, Best-of-N), or of DPO's implicit reward β·log π_θ/π_ref at the end of training.
   */
  heldOutAccuracy?: HeldOutAccuracy;
  /** The replicate seed the run belongs to (multi-seed sweeps). */
  seed?: number;
  /** What the run did, counted (budget.ts runCompute); absent in sweeps before issue 23. */
  compute?: RunCompute;
}

export interface HeldOutAccuracy {
  kind: 'reward-model' | 'implicit';
  /** Share of pairs ranked as r* ranks them (reward model: strict; implicit: a tie counts ½). */
  accuracy: number;
  pairs: number;
}

function brief(p: FrontierPoint): NonNullable<RunSummary['final']> {
  return {
    step: p.step,
    ...(p.n !== undefined ? { n: p.n } : {}),
    kl: p.kl,
    reward: p.reward,
    rewardStderr: p.rewardStderr,
  };
}

/** The point with the highest validation reward; undefined when none has one. */
export function bestOnValidation<P extends FrontierPoint>(points: readonly P[]): P | undefined {
  return points.reduce<P | undefined>(
    (b, p) =>
      p.validationReward === undefined ||
      (b?.validationReward !== undefined && !(p.validationReward > b.validationReward))
        ? b
        : p,
    undefined,
  );
}

export function summarizeRun(
  run: { id: string; algorithm: FrontierAlgorithm; label: string },
  config: unknown,
  points: readonly FrontierPoint[],
  seconds: number,
): RunSummary {
  const own = points.filter((p) => p.runId === run.id);
  const last = own[own.length - 1];
  const best = bestOnValidation(own);
  return {
    runId: run.id,
    algorithm: run.algorithm,
    label: run.label,
    config,
    final: last ? brief(last) : null,
    best: best ? brief(best) : null,
    points: own.length,
    seconds,
  };
}
