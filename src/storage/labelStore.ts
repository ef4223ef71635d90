/**
 * The labelling mode's label sets in the run store's database (object store `labels`, schema
 * version 2): one record per π_ref, rewritten whole on each change.
 */
import { browserStorageEstimate, type StorageEstimate } from './errors';
import type { LabelSetRecord } from './records';
import type { RunStoreDB } from './schema';
import { writeTransaction } from './transaction';

export class LabelStore {
  constructor(
    private readonly db: RunStoreDB,
    private readonly now: () => number = Date.now,
    private readonly estimate: () => Promise<StorageEstimate> = browserStorageEstimate,
  ) {}

  /** The labels of set `id` in the order they were given; [] when there is none. */
  async get<T>(id: string): Promise<T[]> {
    const r = (await this.db.get('labels', id)) as LabelSetRecord<T> | undefined;
    return r?.labels ?? [];
  }

  /** Replaces set `id` (an empty list deletes it). A full quota throws StorageFullError. */
  async put<T>(id: string, labels: readonly T[]): Promise<void> {
    await writeTransaction(this.db, this.estimate, ['labels'], async (tx) => {
      const store = tx.objectStore('labels');
      if (labels.length === 0) await store.delete(id);
      else await store.put({ id, updatedAt: this.now(), labels: [...labels] });
    });
  }

  /** Ids of every stored set. */
  list(): Promise<string[]> {
    return this.db.getAllKeys('labels');
  }
}
