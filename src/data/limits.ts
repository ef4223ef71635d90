/** Limits and skip records shared by the preference and corpus importers. */
import { formatCount } from './decode';

export type ImportLimits = {
  /** Largest file accepted (default 100 MB). */
  maxBytes?: number;
  /** Rows kept (pairs or documents); reading stops there with a warning (default 100,000). */
  maxRows?: number;
  /** Longest line / row / pair text, in characters (default 2 Mi); longer rows are skipped. */
  maxRowChars?: number;
};

export const DEFAULT_IMPORT_LIMITS: Required<ImportLimits> = {
  maxBytes: 100 * 2 ** 20,
  maxRows: 100_000,
  maxRowChars: 2 * 2 ** 20,
};

/** Deepest JSON accepted: a ShareGPT row needs 4 levels, a JSON array of them 5. */
export const MAX_JSON_DEPTH = 64;

/** Skipped rows listed in full; beyond this only skippedCount grows. */
const MAX_LISTED_SKIPS = 1_000;

/** A row left out: where ("line 7", "index 3") and why ("empty `rejected`"). */
export type SkippedRow = { where: string; reason: string };

/** "line 7: empty `rejected`". */
export function describeSkipped(s: SkippedRow): string {
  return `${s.where}: ${s.reason}`;
}

/** Collects skipped rows, listing the first MAX_LISTED_SKIPS. */
export class SkipLog {
  readonly listed: SkippedRow[] = [];
  count = 0;

  add(where: string, reason: string): void {
    this.count++;
    if (this.listed.length < MAX_LISTED_SKIPS) this.listed.push({ where, reason });
  }

  /** A warning when more rows were skipped than listed. */
  overflowWarning(): string | undefined {
    if (this.count <= this.listed.length) return undefined;
    return `${formatCount(this.count)} rows skipped; the first ${formatCount(this.listed.length)} are listed`;
  }

  /** "all 12 rows were skipped (line 1: …; line 2: …; line 3: …)". */
  summary(): string {
    const examples = this.listed.slice(0, 3).map(describeSkipped).join('; ');
    return `all ${formatCount(this.count)} rows were skipped (${examples})`;
  }
}
