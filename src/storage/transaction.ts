/**
 * One readwrite transaction over the run store's database, committed whole or aborted whole,
 * with a full disk reported as StorageFullError. RunStore and LabelStore write through it.
 */
import type { IDBPTransaction, StoreNames } from 'idb';
import { isQuotaError, type StorageEstimate, StorageFullError } from './errors';
import type { RunStoreDB, RunStoreSchema } from './schema';

export type Store = StoreNames<RunStoreSchema>;
export type WriteTx<N extends Store[]> = IDBPTransaction<RunStoreSchema, N, 'readwrite'>;

/**
 * Runs `body` in one readwrite transaction and waits for the commit. On any error the
 * transaction is aborted, so nothing of it is stored; quota errors become StorageFullError
 * (its usage and quota read from `estimate`).
 */
export async function writeTransaction<N extends Store[], R>(
  db: RunStoreDB,
  estimate: () => Promise<StorageEstimate>,
  stores: N,
  body: (tx: WriteTx<N>) => Promise<R>,
  durability: 'default' | 'strict' = 'default',
): Promise<R> {
  const tx = db.transaction(stores, 'readwrite', { durability });
  tx.done.catch(() => undefined); // observed below; this only silences the unhandled copy
  try {
    const result = await body(tx);
    await tx.done;
    return result;
  } catch (error) {
    const txError = transactionError(tx);
    try {
      tx.abort();
    } catch {
      // already committed or aborted
    }
    if (!isQuotaError(error, txError)) throw error;
    const { usage, quota } = await estimate();
    throw new StorageFullError(usage, quota, { cause: error });
  }
}

/** Issues one request per item; a failure surfaces once, through the returned promise. */
export function each<I, T>(items: readonly I[], request: (item: I) => Promise<T>): Promise<T[]> {
  const pending = items.map((item) => {
    const p = request(item);
    p.catch(() => undefined);
    return p;
  });
  return Promise.all(pending);
}

function transactionError(tx: IDBTransaction | { error: unknown }): unknown {
  try {
    return tx.error;
  } catch {
    return undefined;
  }
}
