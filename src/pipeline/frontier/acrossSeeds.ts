/**
 * Uncertainty across training seeds (issue 15). A sweep runs every configuration under
 * several replicate seeds (each seed re-samples the data, the batch order, the reward model's
 * init and the evaluation: pipeline/frontier/seeds.ts), so the spread across seeds measures
 * what a reader needs to know: would another run of the same recipe land elsewhere?
 *
 * - bands: per (run, step or N), mean ± standard error across seeds of the KL and the reward;
 * - matched KL: per seed s, Δ_s = D_s(x_s) − r_s, where x_s, r_s are the run's KL and reward at
 *   seed s and D_s(x) is DPO's reward at KL x along its own training curves at seed s (linear
 *   interpolation between consecutive measured checkpoints, never from the SFT point across the
 *   unmeasured range below DPO's first checkpoint; the best over the β values); then the mean
 *   of Δ_s with a t-interval across seeds. No hull over noisy points, no mixing of policies.
 * - power: the minimum detectable difference of each comparison, (t_{0.975} + t_{0.8}) · sd/√n
 *   over the n seeds (a paired t-test at α 0.05 with power 0.8), so a tie reads as "not
 *   resolved at this power" with the size it could have missed.
 * Pure (no tfjs): the runner, the SVG and the UI share it.
 */
import type { FrontierPoint } from './points';
import { bestOnValidation, meanStderr } from './points';

/** One point of a run, aggregated across seeds; stderr fields are across seeds. */
export interface BandPoint extends FrontierPoint {
  /** Seeds behind the means (the s.e. is across them when ≥ 2, else the evaluation's). */
  seeds: number;
}

const key = (p: Pick<FrontierPoint, 'runId' | 'step' | 'n'>) =>
  `${p.runId}\u0000${p.step}\u0000${p.n ?? ''}`;

/** Mean ± s.e. across seeds per (run, step, N), in first-appearance order. */
export function seedBands(points: readonly FrontierPoint[]): BandPoint[] {
  const groups = new Map<string, FrontierPoint[]>();
  for (const p of points) {
    const k = key(p);
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  return [...groups.values()].map((g) => {
    const first = g[0] as FrontierPoint;
    if (g.length === 1) return { ...first, seeds: 1 };
    const kl = meanStderr(g.map((p) => p.kl));
    const reward = meanStderr(g.map((p) => p.reward));
    const validation = g.map((p) => p.validationReward);
    const { seed: _seed, validationReward: _v, ...rest } = first;
    return {
      ...rest,
      kl: kl.mean,
      klStderr: first.klKind === 'analytic' ? 0 : kl.stderr,
      reward: reward.mean,
      rewardStderr: reward.stderr,
      samples: g.reduce((a, p) => a + p.samples, 0),
      seeds: g.length,
      ...(validation.every((v) => v !== undefined)
        ? { validationReward: meanStderr(validation as number[]).mean }
        : {}),
    };
  });
}

/** Two-sided 97.5 % quantiles of Student's t for 1–10 degrees of freedom; 1.96 beyond. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];
export function t975(df: number): number {
  return df >= 1 && df <= T975.length ? (T975[df - 1] as number) : 1.96;
}

/** One-sided 80 % quantiles of Student's t for 1–10 degrees of freedom; 0.842 beyond. */
const T80 = [1.376, 1.061, 0.978, 0.941, 0.92, 0.906, 0.896, 0.889, 0.883, 0.879];
function t80(df: number): number {
  return df >= 1 && df <= T80.length ? (T80[df - 1] as number) : 0.842;
}

/**
 * The minimum detectable difference of a paired comparison over n seeds whose per-seed
 * differences have standard error `stderr` (= sd/√n): (t_{0.975,n−1} + t_{0.8,n−1}) · stderr,
 * the true difference a two-sided t-test at α 0.05 detects with power 0.8 (normal
 * approximation with t quantiles). NaN below 2 seeds.
 */
export function minimumDetectable(stderr: number, seeds: number): number {
  return seeds >= 2 ? (t975(seeds - 1) + t80(seeds - 1)) * stderr : Number.NaN;
}

/**
 * DPO's reward at KL x along one training curve (points in step order): the interpolation on
 * each segment between measured checkpoints whose KL range holds x, the best of them; NaN when
 * no segment reaches x. Pass the curve without its step-0 (SFT) point: `checkpoints`.
 */
export function curveAt(curve: readonly Pick<FrontierPoint, 'kl' | 'reward'>[], x: number): number {
  let best = Number.NaN;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1] as FrontierPoint;
    const b = curve[i] as FrontierPoint;
    const lo = Math.min(a.kl, b.kl);
    const hi = Math.max(a.kl, b.kl);
    if (x < lo || x > hi) continue;
    const r = hi > lo ? a.reward + ((x - a.kl) / (b.kl - a.kl)) * (b.reward - a.reward) : b.reward;
    if (!(r <= best)) best = r;
  }
  return best;
}

export interface SeedMatchedRow {
  runId: string;
  label: string;
  /**
   * Which of the run's points: its last, the one with the best mean reward, or (along
   * training) every evaluation after the start.
   */
  at: 'final' | 'best' | 'step';
  step: number;
  n?: number;
  seeds: number;
  /** Means across seeds of the run's KL and reward, and of DPO's reward at the same KL. */
  kl: number;
  reward: number;
  dpoReward: number;
  /** Mean of Δ_s = DPO − run, its s.e. across seeds, and the 95 % t-interval. */
  delta: number;
  deltaStderr: number;
  ciLow: number;
  ciHigh: number;
  /** Minimum detectable difference at α 0.05, power 0.8 (minimumDetectable). */
  mdd: number;
  /** Seeds at which the run's KL lies past every DPO curve (DPO's last point is used there). */
  beyondDpo: number;
  /**
   * Seeds left out because the run's KL lies below every DPO curve's first measured
   * checkpoint: DPO was not measured there, and a chord from SFT is no measurement.
   */
  belowDpo: number;
  /** Best-of-N: the KL is the analytic upper bound, so D(x) is if anything overstated. */
  klKind: FrontierPoint['klKind'];
}

/** A training curve's trained checkpoints (step > 0), in step order: what matching may use. */
export function checkpoints<P extends Pick<FrontierPoint, 'step'>>(curve: readonly P[]): P[] {
  return curve.filter((p) => p.step > 0).sort((a, b) => a.step - b.step);
}

/**
 * DPO at KL x for one seed, from measured checkpoints only: the best β curve that reaches x;
 * past every curve, the reward at the largest KL DPO reached (a larger KL budget is no
 * constraint on a policy that stopped); below every curve's first checkpoint, nothing (NaN).
 * A single-checkpoint curve matches only at its own KL.
 */
export function dpoAt(
  curves: readonly FrontierPoint[][],
  x: number,
): { reward: number; beyond: boolean; below: boolean } {
  let best = Number.NaN;
  for (const c of curves) {
    const r = c.length === 1 && c[0]?.kl === x ? c[0].reward : curveAt(c, x);
    if (Number.isFinite(r) && !(r <= best)) best = r;
  }
  if (Number.isFinite(best)) return { reward: best, beyond: false, below: false };
  const all = curves.flat();
  const far = all.reduce<FrontierPoint | undefined>(
    (m, p) => (!m || p.kl > m.kl ? p : m),
    undefined,
  );
  if (far && x >= far.kl) return { reward: far.reward, beyond: true, below: false };
  return { reward: Number.NaN, beyond: false, below: all.length > 0 };
}

/**
 * Every non-DPO, non-SFT run's final and best points (or, `alongTraining`, every point after
 * the start) against DPO at matched KL, per seed, then across seeds. `isDpo` picks the
 * reference runs (DPO with the sigmoid loss).
 */
export function matchedKlAcrossSeeds(
  points: readonly FrontierPoint[],
  isDpo: (runId: string) => boolean,
  alongTraining = false,
): SeedMatchedRow[] {
  const seedOf = (p: FrontierPoint) => p.seed ?? 0;
  const seeds = [...new Set(points.map(seedOf))].sort((a, b) => a - b);
  const curves = new Map<number, FrontierPoint[][]>();
  for (const s of seeds) {
    const byRun = new Map<string, FrontierPoint[]>();
    for (const p of points) {
      if (seedOf(p) !== s || !isDpo(p.runId)) continue;
      byRun.set(p.runId, [...(byRun.get(p.runId) ?? []), p]);
    }
    curves.set(
      s,
      [...byRun.values()].map((c) => checkpoints(c)).filter((c) => c.length > 0),
    );
  }
  const others = points.filter((p) => !isDpo(p.runId) && p.algorithm !== 'sft');
  const bands = seedBands(others);
  const rows: SeedMatchedRow[] = [];
  const runIds = [...new Set(bands.map((b) => b.runId))];
  for (const runId of runIds) {
    const own = bands.filter((b) => b.runId === runId);
    const final = own[own.length - 1] as BandPoint;
    // 'best' is chosen on the validation evaluation (mean across seeds), never on the test.
    const best = bestOnValidation(own);
    const picks: [SeedMatchedRow['at'], BandPoint][] = alongTraining
      ? own.filter((b) => b.step > 0 || (b.n ?? 0) > 1).map((b) => ['step', b])
      : !best || best === final
        ? [['final', final]]
        : [
            ['final', final],
            ['best', best],
          ];
    for (const [at, band] of picks) {
      const deltas: number[] = [];
      const dpo: number[] = [];
      let beyond = 0;
      let below = 0;
      for (const s of seeds) {
        const p = others.find(
          (q) => seedOf(q) === s && q.runId === runId && q.step === band.step && q.n === band.n,
        );
        if (!p) continue;
        const d = dpoAt(curves.get(s) ?? [], p.kl);
        if (d.beyond) beyond++;
        if (d.below) {
          below++;
          continue;
        }
        dpo.push(d.reward);
        deltas.push(d.reward - p.reward);
      }
      const d = meanStderr(deltas);
      const half = t975(deltas.length - 1) * d.stderr;
      rows.push({
        runId,
        label: band.label,
        at,
        step: band.step,
        ...(band.n !== undefined ? { n: band.n } : {}),
        seeds: deltas.length,
        kl: band.kl,
        reward: band.reward,
        dpoReward: meanStderr(dpo).mean,
        delta: d.mean,
        deltaStderr: d.stderr,
        ciLow: d.mean - half,
        ciHigh: d.mean + half,
        mdd: minimumDetectable(d.stderr, deltas.length),
        beyondDpo: beyond,
        belowDpo: below,
        klKind: band.klKind,
      });
    }
  }
  return rows;
}

/** How the interval reads: DPO above, the run above, or a tie (the interval holds 0). */
export function verdict(r: Pick<SeedMatchedRow, 'ciLow' | 'ciHigh'>): string {
  if (!(Number.isFinite(r.ciLow) && Number.isFinite(r.ciHigh))) return 'no interval';
  if (r.ciLow > 0) return 'DPO above';
  if (r.ciHigh < 0) return 'run above DPO';
  return 'tie (interval holds 0)';
}

/**
 * The paper's claim (DPO's frontier dominates every baseline) at this comparison: it holds
 * (DPO above), is reversed (the run above), or is a tie at this power (the interval holds 0;
 * a difference smaller than the MDD could be missed).
 */
export function claimReading(
  r: Pick<SeedMatchedRow, 'ciLow' | 'ciHigh' | 'mdd'>,
): 'holds' | 'reversed' | 'tie at this power' | 'not compared' {
  if (!(Number.isFinite(r.ciLow) && Number.isFinite(r.ciHigh))) return 'not compared';
  if (r.ciLow > 0) return 'holds';
  if (r.ciHigh < 0) return 'reversed';
  return 'tie at this power';
}

/** A Markdown table of the rows. */
export function seedMatchedMarkdown(rows: readonly SeedMatchedRow[]): string {
  const n3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
  const sgn = (x: number) => (x >= 0 ? `+${n3(x)}` : n3(x));
  const lines = [
    '| run | point | seeds | KL | reward | DPO at that KL | DPO − run (± s.e.) | 95 % CI | MDD (α 0.05, power 0.8) | reads | the paper’s claim |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const at = r.n !== undefined ? `N=${r.n}` : `step ${r.step}`;
      const kl = `${r.kl.toFixed(2)}${r.klKind === 'analytic' ? ' (bound)' : ''}`;
      const beyond = r.beyondDpo ? ` (past DPO's KL at ${r.beyondDpo} seeds)` : '';
      const below = r.belowDpo
        ? ` (below DPO's first checkpoint at ${r.belowDpo} seeds: not compared there)`
        : '';
      return `| ${r.label.replaceAll('|', '\\|')} | ${r.at === 'step' ? at : `${r.at} (${at})`} | ${r.seeds} | ${kl} | ${n3(r.reward)} | ${n3(r.dpoReward)}${beyond}${below} | ${sgn(r.delta)} ± ${n3(r.deltaStderr)} | [${sgn(r.ciLow)}, ${sgn(r.ciHigh)}] | ${n3(r.mdd)} | ${verdict(r)} | ${claimReading(r)} |`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}
