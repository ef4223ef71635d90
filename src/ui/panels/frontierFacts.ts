/**
 * What the frontier panel says in words about a sweep: how far it has got (over seeds × runs)
 * and, from the runs' summaries at every seed, the budget and the held-out pair accuracies as
 * mean ± s.e. across seeds (the same aggregation `npm run frontier` prints: report.ts).
 * Pure, so the aggregation is tested without rendering.
 */
import { PREFERENCE_LOSSES } from '../../objectives/lossConfig';
import { claimReading, matchedKlAcrossSeeds } from '../../pipeline/frontier/acrossSeeds';
import type { FrontierPoint, RunSummary } from '../../pipeline/frontier/points';
import { seedReport } from '../../pipeline/frontier/report';
import type { SweepView } from '../store';

export interface SweepProgress {
  /** Share of the sweep done, 0–1: (seed k + (run i + share of run i done) / runs) / seeds. */
  fraction: number;
  /** e.g. "seed 2 of 3 · run 1/4 · training 12/40"; null when no sweep is running. */
  text: string | null;
}

type ProgressView = Pick<SweepView, 'state' | 'index' | 'count' | 'seed' | 'runDone' | 'progress'>;

export function sweepProgress(v: ProgressView): SweepProgress {
  const seeds = Math.max(1, v.seed?.count ?? 1);
  const k = Math.min(v.seed?.index ?? 0, seeds - 1);
  // Before a seed's first run (its pairs are being sampled) count is that of the seed before,
  // index 0 and runDone 0: the bar stands at the seed's start.
  const perSeed = v.count > 0 ? Math.min(1, (v.index + v.runDone) / v.count) : 0;
  const fraction = v.state === 'done' ? 1 : (k + perSeed) / seeds;
  if (v.state !== 'running') return { fraction, text: null };
  const parts = [
    ...(seeds > 1 ? [`seed ${k + 1} of ${seeds}`] : []),
    ...(v.count > 0 ? [`run ${v.index + 1}/${v.count}`] : []),
    ...(v.progress ? [`${v.progress.stage} ${v.progress.done}/${v.progress.total}`] : []),
    `${Math.floor(fraction * 100)} %`,
  ];
  return { fraction, text: parts.join(' · ') };
}

const n3 = (x: number) => x.toFixed(3);

/** The budget and held-out accuracies in words, from every finished seed of every run. */
export function sweepFacts(runs: readonly { summaries: readonly RunSummary[] }[]): {
  budget: string | null;
  accuracy: string | null;
} {
  const summaries = runs.flatMap((r) => r.summaries);
  const budgets = summaries.flatMap((s) => (s.budget ? [s.budget] : []));
  const first = budgets[0];
  const same = budgets.every((b) => b.updates === first?.updates && b.samples === first?.samples);
  const epochs = budgets.flatMap((b) => (b.epochs !== undefined ? [b.epochs] : []));
  const budget = first
    ? same
      ? `Budget per trained run: ${first.updates} policy updates, ${first.samples} samples scored by a reward${epochs.length ? ` (DPO and the supervised baselines: ${(epochs.reduce((a, b) => a + b, 0) / epochs.length).toFixed(1)} epochs over the pairs)` : ''}.`
      : 'Budgets differ between runs: not a like-for-like comparison.'
    : null;
  const byDesign = [
    ...new Set(
      summaries.flatMap((s) => (s.compute?.byDesign ? [`${s.label}: ${s.compute.byDesign}`] : [])),
    ),
  ];
  const designed = byDesign.length ? ` Differ by design: ${byDesign.join('; ')}.` : '';
  // Per run, mean ± s.e. across its seeds (one seed: the value alone).
  const rows = seedReport([], summaries, () => false).runs.flatMap((r) => {
    if (!r.accuracy) return [];
    const a = r.accuracy;
    const n = summaries.filter((s) => s.runId === r.runId && s.heldOutAccuracy).length;
    const value = n > 1 ? `${n3(a.mean)} ± ${n3(a.stderr)} (${n} seeds)` : n3(a.mean);
    return [{ kind: a.kind, text: `${r.label} ${value}`, pairs: a.pairs, seeds: n }];
  });
  const list = (kind: 'reward-model' | 'implicit') =>
    rows
      .filter((r) => r.kind === kind)
      .map((r) => r.text)
      .join(', ') || '—';
  const pairs = [...new Set(rows.map((r) => r.pairs))].join(' / ');
  const across = rows.some((r) => r.seeds > 1) ? ', mean ± s.e. across seeds' : '';
  const accuracy = rows.length
    ? `Held-out pair accuracy on ${pairs} test-prompt pairs${across}: reward model: ${list('reward-model')}; DPO’s implicit reward β·log π_θ/π_ref: ${list('implicit')}.`
    : null;
  return { budget: budget && `${budget}${designed}`, accuracy };
}

/**
 * The references of the matched-KL comparison among a sweep's points: offline DPO with the
 * sigmoid loss (its runs are labelled "DPO β=…"; online DPO's "online DPO …").
 */
function isDpoPoint(p: Pick<FrontierPoint, 'algorithm' | 'label'>): boolean {
  return p.algorithm === 'dpo' && p.label.startsWith(`${PREFERENCE_LOSSES.sigmoid.short} β=`);
}

/**
 * Which comparisons with DPO (each run's final point at matched KL, from measured checkpoints,
 * 95 % t-intervals across seeds) are resolved at this power and which are ties; null before
 * there is a DPO curve and another run to compare.
 */
export function resolvedSentence(points: readonly FrontierPoint[]): string | null {
  const dpoIds = new Set(points.filter(isDpoPoint).map((p) => p.runId));
  if (dpoIds.size === 0) return null;
  const rows = matchedKlAcrossSeeds(points, (id) => dpoIds.has(id)).filter((r) => r.at === 'final');
  if (rows.length === 0) return null;
  const seeds = new Set(points.map((p) => p.seed ?? 0)).size;
  if (seeds < 2) {
    return 'With one seed no comparison with DPO is resolved: every difference is within the seed-to-seed spread this sweep cannot measure. Run ≥ 2 seeds for intervals.';
  }
  const named = (reading: string) =>
    rows
      .filter((r) => claimReading(r) === reading)
      .map(
        (r) =>
          `${r.label} (${r.delta >= 0 ? '+' : ''}${r.delta.toFixed(3)}, MDD ${r.mdd.toFixed(3)})`,
      );
  const parts = [
    ...(named('holds').length ? [`DPO above ${named('holds').join(', ')}`] : []),
    ...(named('reversed').length ? [`above DPO: ${named('reversed').join(', ')}`] : []),
    ...(named('tie at this power').length
      ? [`ties at this power: ${named('tie at this power').join(', ')}`]
      : []),
    ...(named('not compared').length
      ? [
          `not compared (below DPO’s first checkpoint or too few seeds): ${named('not compared')
            .map((s) => s.split(' (')[0])
            .join(', ')}`,
        ]
      : []),
  ];
  return `At matched KL across ${seeds} seeds (DPO − run, 95 % intervals; MDD: the smallest difference detected with power 0.8): ${parts.join('; ')}.`;
}
