/** Plain-text and Markdown tables for the bench's report. Pure. */

export type Cell = string | number | null;

/** A number with `digits` significant digits (integers ≥ 10^digits stay whole); '–' for none. */
export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (Math.abs(v) >= 10 ** digits) return String(Math.round(v));
  return String(Number(v.toPrecision(digits)));
}

function text(c: Cell): string {
  return typeof c === 'number' ? fmt(c) : (c ?? '–');
}

/** Columns padded to their widest cell; numbers right-aligned, text left-aligned. */
export function textTable(headers: string[], rows: Cell[][]): string {
  const cells = rows.map((r) => headers.map((_, i) => text(r[i] ?? null)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const numeric = headers.map((_, i) => rows.some((r) => typeof r[i] === 'number'));
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(headers), rule, ...cells.map(line)].join('\n');
}

/** A GitHub Markdown table; '|' inside a cell is escaped. */
export function markdownTable(headers: string[], rows: Cell[][]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const numeric = headers.map((_, i) => rows.some((r) => typeof r[i] === 'number'));
  const line = (r: string[]) => `| ${r.map(esc).join(' | ')} |`;
  return [
    line(headers),
    `|${numeric.map((n) => (n ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => line(headers.map((_, i) => text(r[i] ?? null)))),
  ].join('\n');
}
