/**
 * The docs' table of what `npm run verify:experiments` measured, generated from the committed
 * results.json (numbers in the docs are never retyped). A block in docs/experiments.md
 *
 *   <!-- experiments:measured -->
 *   …generated…
 *   <!-- /experiments -->
 *
 * is rewritten by `npm run verify:experiments` (and `-- --docs` alone); a test checks that it
 * equals what the committed results give. Pure (the caller reads and writes the files).
 */
import type { Experiment } from './experiments';
import { fmt } from './reading';
import type { ExperimentResults } from './results';

export const EXPERIMENTS_DOC = 'docs/experiments.md';

const BLOCK = /<!-- experiments:measured -->\n[\s\S]*?<!-- \/experiments -->/;

/** fmt's two or three decimals; a figure too small for them in scientific notation. */
const num = (x: number): string => (x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential(1) : fmt(x));

/** One row per experiment, in the panel's order: seeds held, each effect per seed, wall time. */
export function measuredTable(results: ExperimentResults, exps: readonly Experiment[]): string {
  const rows = exps.map((e) => {
    const seeds = results.experiments[e.id]?.seeds ?? [];
    const held = seeds.filter((s) => s.holds).length;
    const keys = Object.keys(seeds[0]?.effect ?? {});
    const effects = keys
      .map((k) => `${k} ${seeds.map((s) => num(s.effect[k] ?? Number.NaN)).join(' / ')}`)
      .join('; ');
    const slowest = Math.max(0, ...seeds.map((s) => s.seconds));
    return `| \`${e.id}\` | ${held}/${seeds.length} | ${effects} | ≤ ${Math.ceil(slowest)} s |`;
  });
  return ['| experiment | held | measured effect | its runs |', '|---|---|---|---|', ...rows].join(
    '\n',
  );
}

/** `text` with its measured block rewritten; unchanged when it has none. */
export function updateMeasuredBlock(
  text: string,
  results: ExperimentResults,
  exps: readonly Experiment[],
): string {
  return text.replace(
    BLOCK,
    () => `<!-- experiments:measured -->\n${measuredTable(results, exps)}\n<!-- /experiments -->`,
  );
}

export const hasMeasuredBlock = (text: string): boolean => BLOCK.test(text);
