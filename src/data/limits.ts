/** Limits, skip records and the frame shared by the preference and corpus importers. */
import { decodeTextFile, formatCount, neverThrowing } from './decode';

export type ImportLimits = {
  /** Largest file accepted (default 100 MB). */
  maxBytes?: number;
  /** Rows kept (pairs or documents); reading stops there with a warning (default 100,000). */
  maxRows?: number;
  /** Longest line / row / pair text, in characters (default 2 Mi); longer rows are skipped. */
  maxRowChars?: number;
};

const DEFAULT_IMPORT_LIMITS: Required<ImportLimits> = {
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
class SkipLog {
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

type ImportError = { ok: false; error: string };

/**
 * An importer from a reader of decoded text: fills in the default limits, decodes the bytes
 * (decode.ts) and turns whatever the reader throws into an error result, so it never throws.
 */
export function textImporter<R>(
  read: (name: string, text: string, limits: Required<ImportLimits>) => R,
): (name: string, bytes: Uint8Array, opts?: ImportLimits) => R | ImportError {
  return (name, bytes, opts = {}) =>
    neverThrowing(name, () => {
      const limits = { ...DEFAULT_IMPORT_LIMITS, ...opts };
      const decoded = decodeTextFile(bytes, limits.maxBytes);
      return decoded.ok ? read(name, decoded.text, limits) : decoded;
    });
}

/** The rows one import keeps (at most maxRows), the rows it skips and why, and its warnings. */
export class RowTally<T> {
  readonly rows: T[] = [];
  readonly skips = new SkipLog();
  readonly warnings: string[] = [];

  /** `noun` names the rows in messages: "pairs", "documents". */
  constructor(
    private readonly noun: string,
    private readonly maxRows: number,
  ) {}

  /** False, with a warning, once maxRows rows are kept: the row at `where` is not read. */
  hasRoom(where: string): boolean {
    if (this.rows.length < this.maxRows) return true;
    const max = formatCount(this.maxRows);
    this.warnings.push(
      `stopped at ${max} ${this.noun} (maxRows); ${where} and later rows were not read`,
    );
    return false;
  }

  /**
   * The import's error when no row was kept (`empty` when none was skipped either); otherwise
   * undefined, after warning of skips beyond those listed.
   */
  failure(empty: string): ImportError | undefined {
    if (this.rows.length === 0) {
      const error =
        this.skips.count === 0 ? empty : `no usable ${this.noun}: ${this.skips.summary()}`;
      return { ok: false, error };
    }
    const overflow = this.skips.overflowWarning();
    if (overflow !== undefined) this.warnings.push(overflow);
    return undefined;
  }

  /** The skip fields of a successful import. */
  report(): { skipped: SkippedRow[]; skippedCount: number; warnings: string[] } {
    return { skipped: this.skips.listed, skippedCount: this.skips.count, warnings: this.warnings };
  }
}
