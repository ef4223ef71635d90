/**
 * The written results of a multi-seed sweep (pure: the Node runner writes them, tests read
 * them): per run, its final and best points as mean ± s.e. across seeds, its budget and, for
 * DPO and the reward-model runs, the held-out pair accuracy; then every run against DPO at
 * matched KL with 95 % intervals across seeds (acrossSeeds.ts).
 */
import {
  type BandPoint,
  claimReading,
  matchedKlAcrossSeeds,
  type SeedMatchedRow,
  seedBands,
  seedMatchedMarkdown,
} from './acrossSeeds';
import type { RunCompute, SweepBudget } from './budget';
import { bestOnValidation, type FrontierPoint, meanStderr, type RunSummary } from './points';

export interface SeedRunRow {
  runId: string;
  label: string;
  algorithm: string;
  seeds: number;
  final: BandPoint | null;
  best: BandPoint | null;
  budget: RunSummary['budget'] | null;
  /** Mean ± s.e. across seeds of the run's held-out pair accuracy. */
  accuracy: {
    kind: 'reward-model' | 'implicit';
    mean: number;
    stderr: number;
    pairs: number;
  } | null;
  /** Seconds summed over seeds. */
  seconds: number;
  /** What the run did, counted (the same at every seed); null for sweeps before issue 23. */
  compute: RunCompute | null;
}

export interface SeedReport {
  runs: SeedRunRow[];
  bands: BandPoint[];
  matchedKl: SeedMatchedRow[];
  /** The same comparison at every evaluation of every run: each algorithm as a curve. */
  alongTraining: SeedMatchedRow[];
}

/** `summaries`: every run's summary at every seed; `points`: every point, `seed` set. */
export function seedReport(
  points: readonly FrontierPoint[],
  summaries: readonly RunSummary[],
  isDpo: (runId: string) => boolean,
): SeedReport {
  const bands = seedBands(points);
  const ids = [...new Set(summaries.map((s) => s.runId))];
  const runs = ids.map((runId): SeedRunRow => {
    const own = summaries.filter((s) => s.runId === runId);
    const first = own[0] as RunSummary;
    const b = bands.filter((p) => p.runId === runId);
    const accs = own.flatMap((s) => (s.heldOutAccuracy ? [s.heldOutAccuracy] : []));
    const acc = meanStderr(accs.map((a) => a.accuracy));
    return {
      runId,
      label: first.label,
      algorithm: first.algorithm,
      seeds: own.length,
      final: b[b.length - 1] ?? null,
      best: bestOnValidation(b) ?? null,
      budget: first.budget ?? null,
      accuracy: accs[0]
        ? { kind: accs[0].kind, mean: acc.mean, stderr: acc.stderr, pairs: accs[0].pairs }
        : null,
      seconds: own.reduce((a, s) => a + s.seconds, 0),
      compute: first.compute ?? null,
    };
  });
  return {
    runs,
    bands,
    matchedKl: matchedKlAcrossSeeds(points, isDpo),
    alongTraining: matchedKlAcrossSeeds(points, isDpo, true),
  };
}

const n2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const n3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
const at = (p: BandPoint | null) => (!p ? '–' : p.n !== undefined ? `N=${p.n}` : `${p.step}`);
const klOf = (p: BandPoint | null) =>
  !p ? '–' : p.klKind === 'analytic' ? `≤ ${n2(p.kl)} (bound)` : `${n2(p.kl)} ± ${n2(p.klStderr)}`;

/** The budget line: what every trained run used. */
export function budgetLine(budget: SweepBudget | undefined, runs: readonly SeedRunRow[]): string {
  const epochs = runs.flatMap((r) => (r.budget?.epochs !== undefined ? [r.budget.epochs] : []));
  const e = epochs.length
    ? ` DPO and the supervised baselines: ${Math.min(...epochs).toFixed(1)}–${Math.max(...epochs).toFixed(1)} epochs over the pairs.`
    : '';
  return budget
    ? `Budget of every trained run: ${budget.updates} policy gradient updates and ${budget.samples} sampled completions scored by a reward (validated: runs that differ are refused).${e}`
    : 'No budget stated: the runs may not be comparable.';
}

/** Held-out accuracy lines: the reward model's and DPO's implicit reward model's. */
export function accuracyLines(runs: readonly SeedRunRow[]): string[] {
  return runs.flatMap((r) =>
    r.accuracy
      ? [
          `${r.accuracy.kind === 'reward-model' ? `reward model (${r.label})` : `DPO implicit reward β·log π_θ/π_ref (${r.label})`}: ${n3(r.accuracy.mean)} ± ${n3(r.accuracy.stderr)} over ${r.seeds} seeds, ${r.accuracy.pairs} test pairs`,
        ]
      : [],
  );
}

const int = (x: number) => x.toLocaleString('en-US');

/** The compute table: what each run did, side by side (budget.ts runCompute). */
export function computeMarkdown(runs: readonly SeedRunRow[]): string {
  const rows = runs.flatMap((r) => {
    const c = r.compute;
    if (!c) return [];
    const cells = [
      r.label.replaceAll('|', '\\|'),
      int(c.updates),
      int(c.sequences),
      int(c.labelPresentations),
      int(c.generationSamples),
      int(c.rewardScored),
      c.byDesign ?? '',
    ];
    return [`| ${cells.join(' | ')} |`];
  });
  if (rows.length === 0) return '';
  return [
    '| run | policy updates | sequences through π_θ | labelled-pair presentations (reward model included) | completions sampled | completions scored by a reward | differs by design |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** Which comparisons (final points) hold the paper's claim, are ties at this power, or reverse it. */
export function claimsLines(rows: readonly SeedMatchedRow[]): string[] {
  const by = new Map<string, string[]>();
  for (const r of rows.filter((x) => x.at !== 'step')) {
    const k = claimReading(r);
    // summary.json writes NaN as null: read both as "no figure".
    const fig = (x: number | null) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
    const delta = fig(r.delta);
    const mdd = fig(r.mdd);
    const figures =
      delta === null
        ? ''
        : `: ${delta >= 0 ? '+' : ''}${delta.toFixed(3)}${mdd === null ? '' : `, MDD ${mdd.toFixed(3)}`}`;
    const what = `${r.label} (${r.at}${r.n !== undefined ? `, N=${r.n}` : ''}${figures})`;
    by.set(k, [...(by.get(k) ?? []), what]);
  }
  const line = (k: string, text: string) =>
    by.get(k)?.length ? [`- ${text}: ${(by.get(k) ?? []).join('; ')}`] : [];
  return [
    ...line('holds', 'DPO above (the paper’s claim holds)'),
    ...line('tie at this power', 'ties at this power (the interval holds 0)'),
    ...line('reversed', 'the run above DPO (the claim reversed)'),
    ...line('not compared', 'not compared (below DPO’s first checkpoint at every seed)'),
  ];
}

export function seedReportMarkdown(
  title: string,
  report: SeedReport,
  budget: SweepBudget | undefined,
): string {
  const seeds = Math.max(1, ...report.runs.map((r) => r.seeds));
  const rows = report.runs.map((r) =>
    [
      r.label.replaceAll('|', '\\|'),
      r.algorithm,
      String(r.seeds),
      at(r.final),
      klOf(r.final),
      r.final ? `${n3(r.final.reward)} ± ${n3(r.final.rewardStderr)}` : '–',
      at(r.best),
      klOf(r.best),
      r.best ? `${n3(r.best.reward)} ± ${n3(r.best.rewardStderr)}` : '–',
      r.accuracy ? `${n3(r.accuracy.mean)} ± ${n3(r.accuracy.stderr)}` : '',
      (r.seconds / Math.max(1, r.seeds)).toFixed(0),
    ].join(' | '),
  );
  const accuracy = accuracyLines(report.runs);
  const compute = computeMarkdown(report.runs);
  const claims = claimsLines(report.matchedKl);
  return [
    `# Reward–KL frontier: ${title}`,
    '',
    `Every figure is a mean ± standard error across ${seeds} training seeds (each seed re-samples the preference data, the batch order, the reward model's init, the evaluation samples and Best-of-N's candidates from its own stream). KL = Σ_t KL(π_θ‖π_ref) per completion at the sampling temperature, nats; Best-of-N at its analytic bound log N − (N−1)/N, an upper bound on its KL. Reward = mean ground-truth reward of test-prompt samples.`,
    '',
    budgetLine(budget, report.runs),
    '',
    '| run | algorithm | seeds | final at | final KL | final reward | best at | best KL | best reward | held-out pair acc. | time per seed (s) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
    '',
    ...(accuracy.length
      ? [
          'Held-out pair accuracy (pairs of π_ref samples on the test prompts, labelled by r*):',
          '',
          ...accuracy.map((l) => `- ${l}`),
          '',
        ]
      : []),
    ...(compute
      ? [
          '## Compute, counted',
          '',
          'Per run and seed. Updates and reward-scored samples follow the budget; sequences, label presentations (the reward model’s steps × batch included) and samples show the work behind them.',
          '',
          compute,
        ]
      : []),
    '## At matched KL: DPO against every other run, seed by seed',
    '',
    'Per seed, DPO’s reward at the run’s KL along DPO’s own training curves at that seed (linear between measured checkpoints, never from the SFT point below DPO’s first checkpoint; the best β; no hull over points, no mixtures); then the mean difference across seeds with a 95 % t-interval and the minimum detectable difference (MDD: the true difference a paired t-test at α 0.05 finds with power 0.8 across these seeds). Positive: DPO above. A ‘best’ point is the checkpoint with the best validation reward. Best-of-N’s KL is an upper bound, so DPO’s reward there is if anything overstated.',
    '',
    seedMatchedMarkdown(report.matchedKl),
    ...(claims.length
      ? ['The paper’s claim that DPO dominates, by comparison:', '', ...claims, '']
      : []),
    '### Along training: every evaluation after the start',
    '',
    seedMatchedMarkdown(report.alongTraining),
  ].join('\n');
}
