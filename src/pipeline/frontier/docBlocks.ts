/**
 * Figures the docs print about a sweep, generated from its committed summary.json (issue 23:
 * numbers that cannot drift). A block in a Markdown file
 *
 *   <!-- frontier:<kind> <results folder> -->
 *   …generated…
 *   <!-- /frontier -->
 *
 * is rewritten by `npm run frontier -- --docs`; a test checks that every block equals what the
 * committed results give. Kinds: `meta` (seeds, evaluation, wall time), `runs` (final points and
 * held-out accuracy), `compute`, `matched` (DPO against every run at matched KL), `claims`.
 * Pure (the caller reads the files).
 */
import type { SeedMatchedRow } from './acrossSeeds';
import { claimReading } from './acrossSeeds';
import { claimsLines, computeMarkdown, type SeedRunRow } from './report';

/** The Markdown files that hold generated blocks (paths from the repository root). */
export const DOCS_WITH_BLOCKS = [
  'frontier/README.md',
  'docs/experiments.md',
  'docs/huggingface-trl.md',
] as const;

/** What a block reads of a summary.json (the runner's). */
export interface SummaryJson {
  seconds?: number;
  /** A sweep run as shards side by side (`--seeds`, `--merge`): their number and CPU time. */
  shards?: number;
  cpuSeconds?: number;
  seeds?: number[];
  evaluation?: string;
  backend?: string;
  checkpoint?: string;
  acrossSeeds: SeedRunRow[];
  matchedKl: SeedMatchedRow[];
}

const BLOCK = /<!-- frontier:(\w+) (\S+) -->\n[\s\S]*?<!-- \/frontier -->/g;

/** summary.json writes NaN as null: both print as '–'. */
const ok = (x: number | null | undefined): x is number =>
  typeof x === 'number' && Number.isFinite(x);
const n2 = (x: number | null | undefined) => (ok(x) ? x.toFixed(2) : '–');
const n3 = (x: number | null | undefined) => (ok(x) ? x.toFixed(3) : '–');
const sgn = (x: number | null | undefined) => (ok(x) && x >= 0 ? `+${n3(x)}` : n3(x));
const esc = (s: string) => s.replaceAll('|', '\\|');

function runsTable(s: SummaryJson): string {
  const rows = s.acrossSeeds.map((r) => {
    const f = r.final;
    const kl = !f
      ? '–'
      : f.klKind === 'analytic'
        ? `≤ ${n2(f.kl)} (bound)`
        : `${n2(f.kl)} ± ${n2(f.klStderr)}`;
    const at = !f ? '–' : f.n !== undefined ? `N=${f.n}` : `step ${f.step}`;
    const best = r.best
      ? `step ${r.best.step}: ${n3(r.best.reward)} ± ${n3(r.best.rewardStderr)}`
      : '';
    const acc = r.accuracy
      ? `${n3(r.accuracy.mean)} ± ${n3(r.accuracy.stderr)} (${r.accuracy.kind === 'implicit' ? 'implicit RM' : 'its RM'})`
      : '';
    const reward = f ? `${n3(f.reward)} ± ${n3(f.rewardStderr)}` : '–';
    return `| ${esc(r.label)} | ${r.seeds} | ${at} | ${kl} | ${reward} | ${best} | ${acc} |`;
  });
  return [
    '| run | seeds | final | final KL | final reward | best on validation (test reward) | held-out pair accuracy |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function matchedTable(s: SummaryJson): string {
  const rows = s.matchedKl.map((r) => {
    const at = `${r.at} (${r.n !== undefined ? `N=${r.n}` : `step ${r.step}`})`;
    const kl = `${n2(r.kl)}${r.klKind === 'analytic' ? ' (bound)' : ''}`;
    const mdd = n3(r.mdd);
    const claim = claimReading({
      ciLow: ok(r.ciLow) ? r.ciLow : Number.NaN,
      ciHigh: ok(r.ciHigh) ? r.ciHigh : Number.NaN,
      mdd: ok(r.mdd) ? r.mdd : Number.NaN,
    });
    return `| ${esc(r.label)} | ${at} | ${r.seeds} | ${kl} | ${sgn(r.delta)} ± ${n3(r.deltaStderr)} | [${sgn(r.ciLow)}, ${sgn(r.ciHigh)}] | ${mdd} | ${claim} |`;
  });
  return [
    '| run | point | seeds | KL | DPO − run ± s.e. | 95 % CI | MDD | the paper’s claim |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function metaLine(s: SummaryJson): string {
  const seeds = s.seeds?.length ?? Math.max(1, ...s.acrossSeeds.map((r) => r.seeds));
  const parts = [
    `${seeds} seeds`,
    ...(s.checkpoint ? [`checkpoint \`${s.checkpoint}\``] : []),
    ...(s.evaluation ? [`evaluated on ${s.evaluation}`] : []),
    ...(s.backend ? [`backend ${s.backend}`] : []),
    ...(s.seconds !== undefined ? [`wall time ${s.seconds} s`] : []),
    ...(s.shards && s.cpuSeconds !== undefined
      ? [`as ${s.shards} processes side by side, ${s.cpuSeconds} process-seconds in all`]
      : []),
  ];
  return `${parts.join(', ')}.`;
}

/** The generated body of one block. */
export function renderBlock(kind: string, s: SummaryJson): string {
  switch (kind) {
    case 'meta':
      return metaLine(s);
    case 'runs':
      return runsTable(s);
    case 'compute':
      return (
        computeMarkdown(s.acrossSeeds).trimEnd() || '(no compute recorded: a sweep before issue 23)'
      );
    case 'matched':
      return matchedTable(s);
    case 'claims':
      return claimsLines(s.matchedKl).join('\n');
    default:
      throw new Error(`unknown frontier block kind "${kind}"`);
  }
}

/** `text` with every block's body regenerated from `read(folder)`. */
export function updateDocBlocks(text: string, read: (folder: string) => SummaryJson): string {
  return text.replace(BLOCK, (_all, kind: string, folder: string) => {
    return `<!-- frontier:${kind} ${folder} -->\n${renderBlock(kind, read(folder))}\n<!-- /frontier -->`;
  });
}

/** The blocks of `text`: kind and folder. */
export function docBlocks(text: string): { kind: string; folder: string }[] {
  return [...text.matchAll(BLOCK)].map((m) => ({ kind: m[1] ?? '', folder: m[2] ?? '' }));
}
