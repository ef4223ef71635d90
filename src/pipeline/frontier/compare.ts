/**
 * Comparing algorithms at matched KL. A set of (KL, reward) points spans a frontier: mixing two
 * policies per sample gets the mixed reward at no more than the mixed KL (KL is convex), and a
 * smaller KL budget is no constraint once the best point is reached, so the reward attainable
 * within a KL budget x is the upper concave hull of the points, flat after its highest one:
 *
 *   F(x) = max { Σ λ_i r_i : Σ λ_i kl_i ≤ x, λ ∈ simplex }.
 *
 * A baseline point (kl, r) is then judged by F_ref(kl) − r against the reference algorithm's
 * frontier (DPO's, with the SFT point at KL 0).
 */
import type { FrontierPoint } from './points';

export type HullVertex = { kl: number; reward: number; stderr: number };

/** The non-decreasing part of the upper concave hull, by KL; its last vertex is the best point. */
export function upperFrontier(
  points: readonly Pick<FrontierPoint, 'kl' | 'reward' | 'rewardStderr'>[],
): HullVertex[] {
  const sorted = points
    .filter((p) => Number.isFinite(p.kl) && Number.isFinite(p.reward))
    .map((p) => ({ kl: Math.max(0, p.kl), reward: p.reward, stderr: p.rewardStderr }))
    .sort((a, b) => a.kl - b.kl || b.reward - a.reward);
  const hull: HullVertex[] = [];
  for (const p of sorted) {
    const last = hull[hull.length - 1];
    if (last && p.reward <= last.reward) continue; // dominated: more KL, no more reward
    // Pop vertices on or below the chord from the one before them to p (monotone chain).
    while (hull.length >= 2) {
      const a = hull[hull.length - 2] as HullVertex;
      const b = hull[hull.length - 1] as HullVertex;
      const cross = (b.kl - a.kl) * (p.reward - a.reward) - (b.reward - a.reward) * (p.kl - a.kl);
      if (cross < 0) break; // b lies above the chord a–p
      hull.pop();
    }
    hull.push(p);
  }
  return hull;
}

/** F(kl) on the frontier, linear between vertices, flat past the last; its stderr likewise. */
export function frontierAt(
  hull: readonly HullVertex[],
  kl: number,
): { reward: number; stderr: number } {
  const first = hull[0];
  if (!first) return { reward: Number.NaN, stderr: Number.NaN };
  if (kl < first.kl) return { reward: Number.NaN, stderr: Number.NaN }; // nothing that cheap
  for (let i = 1; i < hull.length; i++) {
    const a = hull[i - 1] as HullVertex;
    const b = hull[i] as HullVertex;
    if (kl <= b.kl) {
      const t = b.kl > a.kl ? (kl - a.kl) / (b.kl - a.kl) : 1;
      return {
        reward: a.reward + t * (b.reward - a.reward),
        stderr: a.stderr + t * (b.stderr - a.stderr),
      };
    }
  }
  const last = hull[hull.length - 1] as HullVertex;
  return { reward: last.reward, stderr: last.stderr };
}

export interface MatchedKlRow {
  runId: string;
  label: string;
  /** The baseline's point: its best (highest mean reward) and its last. */
  at: 'best' | 'final';
  step: number;
  n?: number;
  kl: number;
  reward: number;
  rewardStderr: number;
  /** The reference frontier at the same KL. */
  frontierReward: number;
  frontierStderr: number;
  /** frontierReward − reward, and that in units of the combined standard error. */
  delta: number;
  z: number;
}

/**
 * For every run in `others`, its best and final points against the frontier of `reference`
 * points (which should include the SFT point at KL 0).
 */
export function compareAtMatchedKl(
  reference: readonly FrontierPoint[],
  others: readonly FrontierPoint[],
): MatchedKlRow[] {
  const hull = upperFrontier(reference);
  const byRun = new Map<string, FrontierPoint[]>();
  for (const p of others) byRun.set(p.runId, [...(byRun.get(p.runId) ?? []), p]);
  const rows: MatchedKlRow[] = [];
  for (const [runId, pts] of byRun) {
    const best = pts.reduce((b, p) => (p.reward > b.reward ? p : b));
    const final = pts[pts.length - 1] as FrontierPoint;
    const picks: ['best' | 'final', FrontierPoint][] =
      best === final
        ? [['best', best]]
        : [
            ['best', best],
            ['final', final],
          ];
    for (const [at, p] of picks) {
      const f = frontierAt(hull, p.kl);
      const delta = f.reward - p.reward;
      rows.push({
        runId,
        label: p.label,
        at,
        step: p.step,
        ...(p.n !== undefined ? { n: p.n } : {}),
        kl: p.kl,
        reward: p.reward,
        rewardStderr: p.rewardStderr,
        frontierReward: f.reward,
        frontierStderr: f.stderr,
        delta,
        z: delta / Math.hypot(f.stderr, p.rewardStderr),
      });
    }
  }
  return rows;
}

/** A Markdown table of the comparison; `name` names the reference frontier. */
export function matchedKlMarkdown(name: string, rows: readonly MatchedKlRow[]): string {
  const n3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
  const lines = [
    `| run | point | KL | reward | ${name} frontier at that KL | difference (frontier − run) | z |`,
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.label.replaceAll('|', '\\|')} | ${r.at} (${r.n !== undefined ? `N=${r.n}` : `step ${r.step}`}) | ${r.kl.toFixed(2)} | ${n3(r.reward)} ± ${n3(r.rewardStderr)} | ${n3(r.frontierReward)} ± ${n3(r.frontierStderr)} | ${r.delta >= 0 ? '+' : ''}${n3(r.delta)} | ${Number.isFinite(r.z) ? r.z.toFixed(1) : '–'} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
