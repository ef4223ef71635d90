/** Errors the run store throws, and how browser storage errors map onto them. */
import { formatBytes } from './bytes';

export interface StorageEstimate {
  usage?: number;
  quota?: number;
}

/** A write did not fit in the origin's quota; the transaction was rolled back whole. */
export class StorageFullError extends Error {
  override name = 'StorageFullError';

  constructor(
    readonly usage?: number,
    readonly quota?: number,
    options?: { cause?: unknown },
  ) {
    const used =
      usage !== undefined && quota !== undefined
        ? ` (used ${formatBytes(usage)} of ${formatBytes(quota)})`
        : '';
    super(
      `Browser storage is full${used}. Delete old runs or prune checkpoints; ` +
        'this run keeps training but is not being saved.',
      options,
    );
  }
}

export class RunNotFoundError extends Error {
  override name = 'RunNotFoundError';

  constructor(readonly runId: string) {
    super(`no run with id "${runId}"`);
  }
}

/**
 * True for a QuotaExceededError, whether thrown by a request or reported as the error of an
 * aborted transaction (requests of that transaction then fail with AbortError).
 */
export function isQuotaError(error: unknown, transactionError?: unknown): boolean {
  return (
    errorName(error) === 'QuotaExceededError' ||
    errorName(transactionError) === 'QuotaExceededError'
  );
}

function errorName(e: unknown): string | undefined {
  return e !== null && typeof e === 'object' && 'name' in e && typeof e.name === 'string'
    ? e.name
    : undefined;
}

/** navigator.storage.estimate() where the platform has it; {} elsewhere or on failure. */
export async function browserStorageEstimate(): Promise<StorageEstimate> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!storage?.estimate) return {};
  try {
    const { usage, quota } = await storage.estimate();
    return { usage, quota };
  } catch {
    return {};
  }
}
