/**
 * One sweep run by both stacks, the app's runner and the exported TRL + Accelerate job (issue 26):
 * per run and metric (final reward, final KL), each stack's mean ± s.e. across its seeds, the gap
 * TRL − app, and whether |gap| ≤ 2·√(s.e.²_app + s.e.²_TRL). The stacks draw different random
 * pairs and samples, so agreement means within the seed-to-seed spread, not equality.
 * A Markdown block
 *
 *   <!-- trl-agreement <folder holding app/ and trl/> [seeds=1,2,3] -->
 *   …generated…
 *   <!-- /trl-agreement -->
 *
 * (`seeds=`: only those seeds of both stacks)
 * is rewritten by `npm run frontier -- --docs`, with the two frontiers on one plot
 * (`<folder>/frontier-both.svg`). Pure (the caller reads the files).
 */
import { seedBands } from './acrossSeeds';
import { type FrontierPoint, meanStderr, type RunSummary } from './points';
import { frontierSvg } from './svg';

type AgreementMetric = 'reward' | 'kl';

/** One stack's finals of one run: mean ± s.e. across seeds. */
interface StackFinal {
  mean: number;
  stderr: number;
  seeds: number;
}

export interface AgreementRow {
  runId: string;
  label: string;
  metric: AgreementMetric;
  app: StackFinal;
  trl: StackFinal;
  /** TRL − app. */
  gap: number;
  /** √(s.e.²_app + s.e.²_TRL). */
  combinedStderr: number;
  /** gap / combinedStderr; 0 when both are 0 (SFT's KL). */
  z: number;
  /** |gap| ≤ 2 · combinedStderr. */
  pass: boolean;
}

/** What the comparison reads of a summary.json: its per-seed runs. */
export interface StackSummary {
  runs: readonly Pick<RunSummary, 'runId' | 'label' | 'final' | 'seed'>[];
}

/** A folder's two result sets (`app/`, `trl/`): summaries and points. */
export interface BothStacks {
  app: StackSummary & { points: readonly FrontierPoint[] };
  trl: StackSummary & { points: readonly FrontierPoint[] };
}

const AGREEMENT_SIGMAS = 2;
export const AGREEMENT_SVG = 'frontier-both.svg';

function finals(s: StackSummary, runId: string, metric: AgreementMetric): StackFinal {
  const xs = s.runs.flatMap((r) => (r.runId === runId && r.final ? [r.final[metric]] : []));
  return { ...meanStderr(xs), seeds: xs.length };
}

const ofSeeds = (s: StackSummary, seeds?: readonly number[]): StackSummary =>
  seeds ? { runs: s.runs.filter((r) => r.seed !== undefined && seeds.includes(r.seed)) } : s;

/** Every run both stacks ran (of `seeds`, default all), in the app's order, reward then KL. */
export function stackAgreement(
  appAll: StackSummary,
  trlAll: StackSummary,
  seeds?: readonly number[],
): AgreementRow[] {
  const app = ofSeeds(appAll, seeds);
  const trl = ofSeeds(trlAll, seeds);
  const ids = [...new Set(app.runs.map((r) => r.runId))].filter((id) =>
    trl.runs.some((r) => r.runId === id),
  );
  return ids.flatMap((runId) =>
    (['reward', 'kl'] as const).map((metric): AgreementRow => {
      const a = finals(app, runId, metric);
      const t = finals(trl, runId, metric);
      const gap = t.mean - a.mean;
      const combinedStderr = Math.hypot(a.stderr, t.stderr);
      const z = gap === 0 ? 0 : gap / combinedStderr;
      return {
        runId,
        label: app.runs.find((r) => r.runId === runId)?.label ?? runId,
        metric,
        app: a,
        trl: t,
        gap,
        combinedStderr,
        z,
        pass: Math.abs(gap) <= AGREEMENT_SIGMAS * combinedStderr,
      };
    }),
  );
}

const n3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
const signed = (x: number) => (x >= 0 ? `+${n3(x)}` : n3(x));
const METRIC = { reward: 'final reward', kl: 'final KL (nats)' } as const;

function agreementMarkdown(rows: readonly AgreementRow[]): string {
  const body = rows.map((r) => {
    const side = (s: StackFinal) => `${n3(s.mean)} ± ${n3(s.stderr)}`;
    const z = Number.isFinite(r.z) ? r.z.toFixed(2) : '–';
    return `| ${r.label.replaceAll('|', '\\|')} | ${METRIC[r.metric]} | ${r.app.seeds} / ${r.trl.seeds} | ${side(r.app)} | ${side(r.trl)} | ${signed(r.gap)} | ${n3(r.combinedStderr)} | ${z} | ${r.pass ? 'yes' : '**no**'} |`;
  });
  return [
    `| run | metric | seeds app / TRL | app | TRL | gap (TRL − app) | combined s.e. | gap / s.e. | within ${AGREEMENT_SIGMAS} s.e. |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...body,
  ].join('\n');
}

/** Each stack's points as mean ± s.e. across seeds, its series labelled "… (app)" / "… (TRL)". */
export function bothStacksPoints(both: BothStacks): FrontierPoint[] {
  const tag = (points: readonly FrontierPoint[], stack: string) =>
    seedBands(points).map((p) => ({
      ...p,
      runId: `${p.runId}:${stack}`,
      label: `${p.label} (${stack})`,
    }));
  return [...tag(both.app.points, 'app'), ...tag(both.trl.points, 'TRL')];
}

export function bothStacksSvg(both: BothStacks, name: string): string {
  return frontierSvg(bothStacksPoints(both), {
    title: `${name}: the app's runner and the TRL job`,
    notes: ['each run: its points along training, from the SFT point'],
  });
}

const BLOCK = /<!-- trl-agreement (\S+)( seeds=[\d,]+)? -->\n[\s\S]*?<!-- \/trl-agreement -->/g;

/** `text` with every agreement block's table regenerated from `read(folder)`. */
export function updateAgreementBlocks(text: string, read: (folder: string) => BothStacks): string {
  return text.replace(BLOCK, (_all, folder: string, only: string | undefined) => {
    const both = read(folder);
    const seeds = only?.slice(' seeds='.length).split(',').map(Number);
    const table = agreementMarkdown(stackAgreement(both.app, both.trl, seeds));
    return `<!-- trl-agreement ${folder}${only ?? ''} -->\n${table}\n<!-- /trl-agreement -->`;
  });
}

/** The folders of `text`'s agreement blocks, each once. */
export function agreementFolders(text: string): string[] {
  return [...new Set([...text.matchAll(BLOCK)].map((m) => m[1] ?? ''))];
}
