/**
 * The reward–KL frontier as a standalone SVG document (pure string building, no DOM): x the
 * KL(π_θ ‖ π_ref) per completion, y the mean ground-truth reward, one coloured series per run
 * (a path through its points in step order, ± standard-error bars, or a shaded ± s.e. band for
 * points aggregated across seeds), a legend, axes with ticks. Best-of-N is dashed at its
 * analytic KL (an upper bound: its points may lie further left); the SFT model is a black diamond.
 */
import { ALGORITHMS } from '../algorithms/registry';
import type { FrontierPoint } from './points';

export interface FrontierPlotOptions {
  title?: string;
  width?: number;
  height?: number;
  xLabel?: string;
  yLabel?: string;
  /**
   * A shaded band of ± one standard error around each series (for points aggregated across
   * seeds: acrossSeeds.ts); default: on when some point has `seeds` ≥ 2.
   */
  bands?: boolean;
  /** Short lines under the legend (the budget, the reward models' held-out accuracies). */
  notes?: readonly string[];
  /**
   * Points past this KL are left out of the plot (a note says how many): a run driven to tens
   * of nats would squash the range where the curves differ. Every point stays in points.csv.
   */
  maxKl?: number;
}

export const DEFAULT_X_LABEL = 'KL(π_θ‖π_ref): Σ_t KL per completion, nats';
export const DEFAULT_Y_LABEL = 'mean ground-truth reward';

/** Tableau 10: distinct series colours (SFT is black). */
const PALETTE = [
  '#4E79A7',
  '#F28E2B',
  '#E15759',
  '#76B7B2',
  '#59A14F',
  '#EDC948',
  '#B07AA1',
  '#FF9DA7',
  '#9C755F',
  '#BAB0AC',
];
/** Series 11–20: Tableau 20's other half (the same hues, lighter), drawn dotted. */
const PALETTE_MORE = [
  '#A0CBE8',
  '#FFBE7D',
  '#FF9D9A',
  '#86BCB6',
  '#8CD17D',
  '#F1CE63',
  '#D4A6C8',
  '#FABFD2',
  '#D7B5A6',
  '#79706E',
];
const COLOURS = [...PALETTE, ...PALETTE_MORE];

export function escapeXml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/**
 * Round ticks 1, 2 or 5 × 10^k apart, about `count` intervals, the first ≤ lo and the
 * last ≥ hi (the axis runs from first to last).
 */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw * (1 - 1e-9)) ?? 10) * mag;
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toFixed(12)));
  return ticks;
}

function tickText(v: number, ticks: number[]): string {
  const step = ticks.length > 1 ? Math.abs((ticks[1] ?? 0) - (ticks[0] ?? 0)) : 1;
  const digits = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(digits);
}

interface Series {
  runId: string;
  label: string;
  algorithm: FrontierPoint['algorithm'];
  points: FrontierPoint[];
}

function groupByRun(points: readonly FrontierPoint[]): Series[] {
  const byRun = new Map<string, Series>();
  for (const p of points) {
    if (!Number.isFinite(p.kl) || !Number.isFinite(p.reward)) continue;
    let s = byRun.get(p.runId);
    if (!s) {
      s = { runId: p.runId, label: p.label, algorithm: p.algorithm, points: [] };
      byRun.set(p.runId, s);
    }
    s.points.push(p);
  }
  for (const s of byRun.values()) {
    s.points.sort((a, b) => a.step - b.step || (a.n ?? 0) - (b.n ?? 0));
  }
  return [...byRun.values()];
}

const f = (x: number) => x.toFixed(1);

/** Best-of-N is plotted at its analytic KL, and the legend says so. */
function bestOfNLegend(label: string): string {
  return label.includes('analytic') ? label : `${label} (KL ≤ log N − (N−1)/N)`;
}

/** The whole plot as an SVG document. */
export function frontierSvg(
  points: readonly FrontierPoint[],
  opts: FrontierPlotOptions = {},
): string {
  const maxKl = opts.maxKl ?? Number.POSITIVE_INFINITY;
  const series = groupByRun(points.filter((p) => p.kl <= maxKl));
  const all = series.flatMap((s) => s.points);
  const beyond = points.filter((p) => p.kl > maxKl).length;
  const bands = opts.bands ?? all.some((p) => ((p as { seeds?: number }).seeds ?? 1) >= 2);
  const seeds = Math.max(1, ...all.map((p) => (p as { seeds?: number }).seeds ?? 1));
  const notes = [
    ...(bands ? [`bands: mean ± s.e. across ${seeds} seeds`] : []),
    ...(opts.notes ?? []),
    ...(beyond > 0 ? [`${beyond} points past KL ${maxKl} not drawn (all in points.csv)`] : []),
  ];
  const W = opts.width ?? 900;
  const legendWidth = 260;
  const m = { left: 70, right: legendWidth + 20, top: opts.title ? 44 : 20, bottom: 60 };
  // Tall enough for the legend: a line per series and per note.
  const H = opts.height ?? Math.max(520, m.top + 20 + (series.length + 1 + notes.length) * 20);
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;

  const xTicks = niceTicks(0, Math.max(1e-9, ...all.map((p) => p.kl)));
  const xMax = Math.max(xTicks[xTicks.length - 1] ?? 1, 1e-9);
  const lows = all.map((p) => p.reward - (p.rewardStderr || 0));
  const highs = all.map((p) => p.reward + (p.rewardStderr || 0));
  let yLo = lows.length ? Math.min(...lows) : 0;
  let yHi = highs.length ? Math.max(...highs) : 1;
  if (!(yHi - yLo > 1e-6)) [yLo, yHi] = [yLo - 0.05, yHi + 0.05];
  const yTicks = niceTicks(yLo, yHi);
  const y0 = yTicks[0] ?? yLo;
  const y1 = yTicks[yTicks.length - 1] ?? yHi;
  const sx = (x: number) => m.left + (x / xMax) * pw;
  const sy = (y: number) => m.top + ph - ((y - y0) / (y1 - y0)) * ph;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>${escapeXml(opts.title ?? 'Reward–KL frontier')}</title>`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
  ];
  if (opts.title) {
    out.push(
      `<text class="title" x="${f(m.left + pw / 2)}" y="24" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(opts.title)}</text>`,
    );
  }
  // Grid, ticks and tick labels.
  out.push('<g class="axes" stroke="#ddd">');
  for (const t of xTicks)
    out.push(`<line x1="${f(sx(t))}" y1="${m.top}" x2="${f(sx(t))}" y2="${m.top + ph}"/>`);
  for (const t of yTicks) {
    out.push(`<line x1="${m.left}" y1="${f(sy(t))}" x2="${m.left + pw}" y2="${f(sy(t))}"/>`);
  }
  out.push(
    `<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
    '</g>',
    '<g class="ticks" fill="#333">',
  );
  for (const t of xTicks) {
    out.push(
      `<text x="${f(sx(t))}" y="${m.top + ph + 18}" text-anchor="middle">${tickText(t, xTicks)}</text>`,
    );
  }
  for (const t of yTicks) {
    out.push(
      `<text x="${m.left - 8}" y="${f(sy(t) + 4)}" text-anchor="end">${tickText(t, yTicks)}</text>`,
    );
  }
  out.push(
    '</g>',
    `<text class="x-label" x="${f(m.left + pw / 2)}" y="${H - 16}" text-anchor="middle" font-size="13">${escapeXml(opts.xLabel ?? DEFAULT_X_LABEL)}</text>`,
    `<text class="y-label" transform="translate(18 ${f(m.top + ph / 2)}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(opts.yLabel ?? DEFAULT_Y_LABEL)}</text>`,
  );

  // Series: path, error bars, markers with a tooltip each.
  const legend: string[] = [];
  let coloured = 0;
  series.forEach((s, i) => {
    const sft = s.algorithm === 'sft';
    const bon = ALGORITHMS[s.algorithm].kind === 'reranked';
    const slot = sft ? -1 : coloured++ % COLOURS.length;
    const colour = COLOURS[slot] ?? '#000';
    const d = s.points.map((p, k) => `${k ? 'L' : 'M'}${f(sx(p.kl))} ${f(sy(p.reward))}`).join(' ');
    const dash = bon
      ? ' stroke-dasharray="6 4"'
      : slot >= PALETTE.length
        ? ' stroke-dasharray="2 3"'
        : '';
    out.push(`<g class="run" data-run="${escapeXml(s.runId)}">`);
    if (bands && s.points.length >= 2) {
      // Upper edge left to right, lower edge back: the region reward ± s.e. along the series.
      const upper = s.points.map((p) => `${f(sx(p.kl))} ${f(sy(p.reward + p.rewardStderr))}`);
      const lower = s.points.map((p) => `${f(sx(p.kl))} ${f(sy(p.reward - p.rewardStderr))}`);
      out.push(
        `<path class="band" d="M${[...upper, ...lower.reverse()].join(' L')} Z" fill="${colour}" fill-opacity="0.15" stroke="none"/>`,
      );
    }
    out.push(
      `<path class="series" d="${d}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`,
    );
    for (const p of s.points) {
      const x = sx(p.kl);
      const y = sy(p.reward);
      if (p.rewardStderr > 0 && !(bands && s.points.length >= 2)) {
        out.push(
          `<line class="stderr" x1="${f(x)}" y1="${f(sy(p.reward - p.rewardStderr))}" x2="${f(x)}" y2="${f(sy(p.reward + p.rewardStderr))}" stroke="${colour}" stroke-opacity="0.5"/>`,
        );
      }
      const at = p.n !== undefined ? `N=${p.n}` : `step ${p.step}`;
      const tip = `${s.label}, ${at}: KL ${p.kl.toFixed(2)}${p.klKind === 'analytic' ? ' (analytic)' : ''}, reward ${p.reward.toFixed(3)} ± ${p.rewardStderr.toFixed(3)}`;
      const marker = sft
        ? `<path d="M${f(x)} ${f(y - 6)} L${f(x + 6)} ${f(y)} L${f(x)} ${f(y + 6)} L${f(x - 6)} ${f(y)} Z" fill="#000">`
        : `<circle cx="${f(x)}" cy="${f(y)}" r="3.5" fill="${bon ? '#fff' : colour}" stroke="${colour}" stroke-width="1.5">`;
      const close = sft ? '</path>' : '</circle>';
      out.push(`${marker}<title>${escapeXml(tip)}</title>${close}`);
    }
    out.push('</g>');
    const ly = m.top + 8 + i * 20;
    const lx = m.left + pw + 16;
    legend.push(
      sft
        ? `<path d="M${lx + 12} ${ly - 5} L${lx + 17} ${ly} L${lx + 12} ${ly + 5} L${lx + 7} ${ly} Z" fill="#000"/>`
        : `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 30}" y="${ly + 4}">${escapeXml(bon ? bestOfNLegend(s.label) : s.label)}</text>`,
    );
  });
  notes.forEach((text, k) => {
    const y = m.top + 8 + (series.length + 1 + k) * 20;
    legend.push(
      `<text class="note" x="${m.left + pw + 16}" y="${y + 4}" font-size="11">${escapeXml(text)}</text>`,
    );
  });
  out.push('<g class="legend" fill="#222">', ...legend, '</g>', '</svg>');
  return `${out.join('\n')}\n`;
}
