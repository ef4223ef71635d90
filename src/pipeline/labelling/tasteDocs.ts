/**
 * The figures docs/labelling.md prints about the content tastes, generated from the committed
 * results/labelling-tastes.json (numbers that cannot drift). A block
 *
 *   <!-- labelling:<kind> -->
 *   …generated…
 *   <!-- /labelling -->
 *
 * is rewritten by `npm run verify:labelling -- --docs`; tasteExperiment.cpu-only.test.ts checks
 * that every block equals what the results give. Kinds: `main` (48 labels: each route and pair
 * order, pooled over the seeds), `budgets` (agreement by decided labels), `length` (the length
 * control), `validation` (the word reward's settings tried on validation prompts, from
 * results/labelling-validation.json). Pure (the caller reads and writes the files).
 */
import { CONTENT_TASTES } from '../../task/labelRules';
import { PAIR_ORDER_LABELS, type PairOrder } from './pairChoice';
import type { TasteResult } from './tasteExperiment';
import type { PooledAgreement } from './tastePool';

export interface TasteResultsJson {
  pooled: PooledAgreement[];
  runs: TasteResult[];
}

/** results/labelling-validation.json: word-reward settings tried on validation prompts. */
export interface TasteValidationJson {
  rule: string;
  configs: { minSupport: number; poolK: number; pooled: PooledAgreement[]; runs: TasteResult[] }[];
}

/** The rule: the settings whose worst content taste agrees most on validation. */
export function chosenValidationConfig(v: TasteValidationJson) {
  const worst = (c: TasteValidationJson['configs'][number]) =>
    Math.min(...CONTENT_TASTES.map((t) => c.pooled.find((p) => p.taste === t)?.agreement ?? 0));
  return v.configs.reduce((best, c) => (worst(c) > worst(best) ? c : best));
}

function validationTable(v: TasteValidationJson): string {
  const chosen = chosenValidationConfig(v);
  const lines = [
    `| word reward: a word counts from, completions per pool prompt | ${CONTENT_TASTES.join(' | ')} |`,
    `|---|${CONTENT_TASTES.map(() => '---').join('|')}|`,
    ...v.configs.map((c) => {
      const cells = CONTENT_TASTES.map((t) => {
        const p = c.pooled.find((x) => x.taste === t);
        return p ? ci(p) : '–';
      });
      const mark = c === chosen ? ' (chosen)' : '';
      const labels = `${c.minSupport} label${c.minSupport === 1 ? '' : 's'}`;
      return `| ${labels}, ${c.poolK}${mark} | ${cells.join(' | ')} |`;
    }),
  ];
  const seeds = seedsOf(v.configs[0]?.runs ?? []);
  lines.push('', `Validation prompts, ${seeds} seeds, as sampled, 48 labels. The rule: ${v.rule}.`);
  return lines.join('\n');
}

const BLOCK = /<!-- labelling:(\w+) -->\n[\s\S]*?<!-- \/labelling -->/g;

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const ci = (p: Pick<PooledAgreement, 'agreement' | 'lo' | 'hi'>) =>
  `${pct(p.agreement)} [${(100 * p.lo).toFixed(1)}, ${(100 * p.hi).toFixed(1)}]`;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const ROUTE: Readonly<Record<string, string>> = {
  labels: 'labels alone',
  'word-reward': 'word reward',
  oracle: 'the rule itself',
};
const order = (o: string) => PAIR_ORDER_LABELS[o as PairOrder] ?? o;
const seedsOf = (rs: readonly TasteResult[]) => [...new Set(rs.map((r) => r.seed))].length;

function mainTable(r: TasteResultsJson): string {
  const lines = [
    '| taste | DPO on | pair order | labels shown → decided | test pairs (ties) | agreement [95 % CI] | the reward on held-out labels | taste words per sample π_ref → π_θ | r* π_ref → π_θ | characters π_ref → π_θ |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const taste of CONTENT_TASTES) {
    for (const p of r.pooled.filter((x) => x.taste === taste && x.budget === 48)) {
      const rs = r.runs.filter(
        (x) => x.taste === taste && x.method === p.method && x.order === p.order && x.budget === 48,
      );
      const two = (f: (x: TasteResult) => number, g: (x: TasteResult) => number, d: number) =>
        `${mean(rs.map(f)).toFixed(d)} → ${mean(rs.map(g)).toFixed(d)}`;
      const best = p.agreement >= 0.75 ? `**${ci(p)}**` : ci(p);
      const held = rs.flatMap((x) =>
        x.wordReward && Number.isFinite(x.wordReward.heldOut) ? [x.wordReward.heldOut] : [],
      );
      const rm = held.length > 0 ? pct(mean(held)) : '–';
      lines.push(
        `| ${taste} | ${ROUTE[p.method] ?? p.method} | ${order(p.order)} | ${sum(rs.map((x) => x.shown))} → ${sum(rs.map((x) => x.decided))} | ${p.pairs} (${sum(rs.map((x) => x.test.ties))}) | ${best} | ${rm} | ${two(
          (x) => x.ref.taste,
          (x) => x.policy.taste,
          2,
        )} | ${two(
          (x) => x.ref.reward,
          (x) => x.policy.reward,
          3,
        )} | ${two(
          (x) => x.ref.chars,
          (x) => x.policy.chars,
          1,
        )} |`,
      );
    }
  }
  const seeds = seedsOf(r.runs.filter((x) => x.budget === 48));
  lines.push(
    '',
    `Labels and test pairs are summed over the ${seeds} seeds; agreement is pooled over them with its Wilson 95 % interval (bold: 75 % or more); the reward's accuracy on the 12 held-out labels it ranks, and the statistics on 64 fresh prompts, are the seeds' means. Before training every agreement is 50 %.`,
  );
  return lines.join('\n');
}

function budgetsTable(r: TasteResultsJson): string {
  const budgets = [...new Set(r.pooled.map((p) => p.budget))].sort((a, b) => a - b);
  const orders = [...new Set(r.pooled.map((p) => p.order))];
  const lines = [
    `| decided labels | pairs shown | ${CONTENT_TASTES.join(' | ')} |`,
    `|---|---|${CONTENT_TASTES.map(() => '---').join('|')}|`,
  ];
  for (const o of orders) {
    for (const b of budgets) {
      const rs = r.runs.filter(
        (x) => x.method === 'word-reward' && x.order === o && x.budget === b,
      );
      if (rs.length === 0) continue;
      const cells = CONTENT_TASTES.map((t) => {
        const p = r.pooled.find(
          (x) => x.taste === t && x.method === 'word-reward' && x.order === o && x.budget === b,
        );
        return p ? ci(p) : '–';
      });
      const shown = Math.round(mean(rs.map((x) => x.shown)));
      lines.push(`| ${b}, ${order(o)} | ≈ ${shown} per seed | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

function lengthLine(r: TasteResultsJson): string {
  const parts = CONTENT_TASTES.map((t) => {
    const rs = r.runs.filter((x) => x.taste === t && x.budget === 48 && x.method === 'labels');
    return `${pct(mean(rs.map((x) => x.lengthBaseline)))} (${t})`;
  });
  return `*Length control*: "the longer completion is better" agrees with these labels on ${parts.join(', ')} of the test pairs.`;
}

/** Every labelling block of `markdown`, regenerated from the results. */
export function rewriteTasteBlocks(
  markdown: string,
  r: TasteResultsJson,
  v: TasteValidationJson,
): string {
  return markdown.replace(BLOCK, (_, kind: string) => {
    const body =
      kind === 'main'
        ? mainTable(r)
        : kind === 'budgets'
          ? budgetsTable(r)
          : kind === 'length'
            ? lengthLine(r)
            : kind === 'validation'
              ? validationTable(v)
              : null;
    if (body === null) throw new Error(`docs: unknown labelling block "${kind}"`);
    return `<!-- labelling:${kind} -->\n${body}\n<!-- /labelling -->`;
  });
}
