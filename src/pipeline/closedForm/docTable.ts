/**
 * The closed-form section's table in docs/experiments.md, computed (numbers in the docs are
 * never retyped): for each β of the card, seeds 1–3 and 1,000 / 10,000 / 100,000 pairs per
 * prompt, the worst prompt's TV(π*, π_θ) / KL(π* ‖ π_θ). The block
 *
 *   <!-- closed-form:measured -->
 *   …generated…
 *   <!-- /closed-form -->
 *
 * is rewritten by `npm run verify:experiments -- --docs`; a test recomputes it and fails when
 * the docs differ. Float32 noise below 1e-5 (the population run) prints as "< 1e-5".
 */
import { CLOSED_FORM_BETAS, worst } from './problem';
import { runClosedForm } from './train';

const CLOSED_FORM_SEEDS = [1, 2, 3] as const;
const CLOSED_FORM_DOC_PAIRS = [1_000, 10_000, 100_000] as const;

const BLOCK = /<!-- closed-form:measured -->\n[\s\S]*?<!-- \/closed-form -->/;

/** Two significant digits; scientific below 1e-3; float noise as a bound. */
function g2(x: number, floor = 0): string {
  if (x < floor) return `< ${floor.toExponential(0)}`;
  return x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential(1) : x.toPrecision(2);
}

const pair = (tv: number, kl: number, floor = 0) => `${g2(tv, floor)} / ${g2(kl, floor)}`;

/** The table (Markdown), computed: 27 runs of the card's experiment, ≈ 1 s each on CPU. */
export async function closedFormTable(): Promise<string> {
  const rows: string[] = [];
  for (const beta of CLOSED_FORM_BETAS) {
    for (const seed of CLOSED_FORM_SEEDS) {
      const cells: string[] = [];
      let head = '';
      for (const pairsPerPrompt of CLOSED_FORM_DOC_PAIRS) {
        const r = await runClosedForm({ beta, seed, pairsPerPrompt });
        if (!head) {
          head = `| ${beta} | ${seed} | ${g2(worst(r, 'klOptimumRef'))} | ${pair(worst(r, 'populationTv'), worst(r, 'populationKl'), 1e-5)} |`;
        }
        cells.push(pair(worst(r, 'tv'), worst(r, 'kl')));
      }
      rows.push(`${head} ${cells.join(' | ')} |`);
    }
  }
  return [
    '| β | seed | KL(π*‖π_ref) | population loss | 1,000 pairs | 10,000 pairs | 100,000 pairs |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export const hasClosedFormBlock = (text: string): boolean => BLOCK.test(text);

/** `text` with its closed-form block replaced by `table`. */
export function withClosedFormTable(text: string, table: string): string {
  return text.replace(
    BLOCK,
    () => `<!-- closed-form:measured -->\n${table}\n<!-- /closed-form -->`,
  );
}
