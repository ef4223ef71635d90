/**
 * Runs persisted in IndexedDB: config, metric history, evaluated samples, checkpoints of π_θ
 * with optimizer state, and datasets (stored once per content hash). Every write is one
 * transaction, aborted whole on any error, so a full disk never leaves half a checkpoint.
 */
import { openDB } from 'idb';
import { contentHash, estimateBytes } from './bytes';
import { browserStorageEstimate, RunNotFoundError, type StorageEstimate } from './errors';
import { LabelStore } from './labelStore';
import {
  assertStep,
  type DatasetRecord,
  type NewRun,
  type RunPatch,
  type RunRecord,
  type SampleSet,
  type StorageUsage,
  type StoredCheckpoint,
  type StoredMetricPoint,
  validateCheckpoint,
} from './records';
import {
  type CheckpointRow,
  DB_VERSION,
  type MetricRow,
  type RunStoreDB,
  type RunStoreSchema,
  stepRange,
  upgradeSchema,
} from './schema';
import { each, type Store, type WriteTx, writeTransaction } from './transaction';

export interface RunStoreOptions {
  /** Clock for createdAt / updatedAt (ms). */
  now?: () => number;
  /** Quota source for usage() and StorageFullError; navigator.storage.estimate() by default. */
  estimate?: () => Promise<StorageEstimate>;
  newId?: () => string;
}

export async function openRunStore(
  dbName = 'dpo-playground',
  options: RunStoreOptions = {},
): Promise<RunStore> {
  let db: RunStoreDB | undefined;
  db = await openDB<RunStoreSchema>(dbName, DB_VERSION, {
    upgrade: (database, oldVersion) => upgradeSchema(database, oldVersion),
    // Another tab wants a newer schema: let it upgrade rather than block it.
    blocking: () => db?.close(),
  });
  return new RunStore(db, options);
}

export class RunStore {
  private readonly now: () => number;
  private readonly estimate: () => Promise<StorageEstimate>;
  private readonly newId: () => string;

  constructor(
    private readonly db: RunStoreDB,
    options: RunStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.estimate = options.estimate ?? browserStorageEstimate;
    this.newId = options.newId ?? (() => crypto.randomUUID());
  }

  close(): void {
    this.db.close();
  }

  /** The labelling mode's label sets, in the same database. */
  labels(): LabelStore {
    return new LabelStore(this.db, this.now, this.estimate);
  }

  async createRun(input: NewRun): Promise<RunRecord> {
    const t = this.now();
    const run: RunRecord = {
      status: 'running',
      step: 0,
      ...input,
      id: input.id ?? this.newId(),
      createdAt: t,
      updatedAt: t,
    };
    await this.write(['runs'], async (tx) => {
      await tx.objectStore('runs').add(run);
    });
    return run;
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.db.get('runs', id);
  }

  /** All runs, newest first. */
  async listRuns(): Promise<RunRecord[]> {
    return (await this.db.getAllFromIndex('runs', 'createdAt')).reverse();
  }

  updateRun(id: string, patch: RunPatch): Promise<RunRecord> {
    return this.write(['runs'], async (tx) => {
      const runs = tx.objectStore('runs');
      const run = await runs.get(id);
      if (!run) throw new RunNotFoundError(id);
      const next: RunRecord = {
        ...run,
        ...patch,
        id: run.id,
        createdAt: run.createdAt,
        lastCheckpointStep: run.lastCheckpointStep,
        updatedAt: this.now(),
      };
      await runs.put(next);
      return next;
    });
  }

  renameRun(id: string, name: string): Promise<RunRecord> {
    const trimmed = name.trim();
    if (!trimmed) throw new Error('a run name cannot be empty');
    return this.updateRun(id, { name: trimmed });
  }

  /**
   * Deletes the run with its metrics, samples and checkpoints, and its dataset when no other
   * run uses it. Returns false when there was no such run.
   */
  deleteRun(id: string): Promise<boolean> {
    const stores: Store[] = ['runs', 'metrics', 'samples', 'checkpoints', 'datasets'];
    return this.write(stores, async (tx) => {
      const runs = tx.objectStore('runs');
      const run = await runs.get(id);
      if (!run) return false;
      await runs.delete(id);
      await tx.objectStore('metrics').delete(stepRange(id));
      await tx.objectStore('samples').delete(stepRange(id));
      await tx.objectStore('checkpoints').delete(stepRange(id));
      if (run.datasetId !== undefined) {
        const users = await runs.index('datasetId').count(run.datasetId);
        if (users === 0) await tx.objectStore('datasets').delete(run.datasetId);
      }
      return true;
    });
  }

  /**
   * Stores points under [runId, step]. A point for a step already stored is merged into it,
   * its keys replacing the old values: the training and evaluation points logged at one step
   * share a row, and a resumed run re-logging a step overwrites it.
   */
  async appendMetrics(runId: string, points: readonly StoredMetricPoint[]): Promise<void> {
    if (points.length === 0) return;
    const byStep = new Map<number, StoredMetricPoint>();
    for (const p of points) {
      assertStep(p.step);
      byStep.set(p.step, { ...byStep.get(p.step), ...p });
    }
    const steps = [...byStep.keys()];
    await this.write(['runs', 'metrics'], async (tx) => {
      await this.requireRun(tx, runId);
      const metrics = tx.objectStore('metrics');
      const old = await each(steps, (s) => metrics.get([runId, s]));
      const rows = steps.map((step, i): MetricRow => {
        const point = { ...old[i]?.point, ...byStep.get(step), step };
        return { runId, step, bytes: estimateBytes(point), point };
      });
      await each(rows, (row) => metrics.put(row));
    });
  }

  /** The run's points in step order. */
  async getMetrics(runId: string): Promise<StoredMetricPoint[]> {
    return (await this.db.getAll('metrics', stepRange(runId))).map((r) => r.point);
  }

  /** Replaces the samples evaluated at `step`. */
  async putSamples<T>(runId: string, step: number, samples: readonly T[]): Promise<void> {
    assertStep(step);
    const row = { runId, step, bytes: estimateBytes(samples), samples: [...samples] };
    await this.write(['runs', 'samples'], async (tx) => {
      await this.requireRun(tx, runId);
      await tx.objectStore('samples').put(row);
    });
  }

  /** Every evaluation's samples in step order; T is the caller's sample type, unchecked. */
  async getSamples<T = unknown>(runId: string): Promise<SampleSet<T>[]> {
    const rows = await this.db.getAll('samples', stepRange(runId));
    return rows.map((r) => ({ step: r.step, samples: r.samples as T[] }));
  }

  /**
   * Writes the checkpoint and the run's lastCheckpointStep in one transaction, then keeps
   * only the `keep` latest checkpoints.
   */
  async putCheckpoint(
    runId: string,
    step: number,
    checkpoint: StoredCheckpoint,
    { keep = 2 }: { keep?: number } = {},
  ): Promise<void> {
    assertStep(step);
    if (!Number.isInteger(keep) || keep < 1)
      throw new Error(`keep must be an integer ≥ 1, got ${keep}`);
    validateCheckpoint(checkpoint);
    const t = this.now();
    const row: CheckpointRow = {
      runId,
      step,
      createdAt: t,
      bytes: estimateBytes(checkpoint),
      checkpoint,
    };
    await this.write(
      ['runs', 'checkpoints'],
      async (tx) => {
        const run = await this.requireRun(tx, runId);
        await tx.objectStore('checkpoints').put(row);
        const last = Math.max(step, run.lastCheckpointStep ?? Number.NEGATIVE_INFINITY);
        await tx.objectStore('runs').put({ ...run, lastCheckpointStep: last, updatedAt: t });
      },
      'strict',
    );
    await this.pruneCheckpoints(runId, keep);
  }

  getCheckpoint(runId: string, step: number): Promise<StoredCheckpoint | undefined> {
    return this.db.get('checkpoints', [runId, step]).then((r) => r?.checkpoint);
  }

  /** The checkpoint with the highest step, the one an interrupted run resumes from. */
  async latestCheckpoint(
    runId: string,
  ): Promise<{ step: number; checkpoint: StoredCheckpoint } | undefined> {
    const tx = this.db.transaction('checkpoints');
    const cursor = await tx.store.openCursor(stepRange(runId), 'prev');
    const found = cursor
      ? { step: cursor.value.step, checkpoint: cursor.value.checkpoint }
      : undefined;
    await tx.done;
    return found;
  }

  /** Deletes all but the `keep` latest checkpoints; returns how many it deleted. */
  pruneCheckpoints(runId: string, keep: number): Promise<number> {
    if (!Number.isInteger(keep) || keep < 0)
      throw new Error(`keep must be an integer ≥ 0, got ${keep}`);
    return this.write(['runs', 'checkpoints'], async (tx) => {
      const checkpoints = tx.objectStore('checkpoints');
      const keys = await checkpoints.getAllKeys(stepRange(runId));
      const drop = keys.slice(0, Math.max(0, keys.length - keep));
      if (drop.length === 0) return 0;
      await each(drop, (k) => checkpoints.delete(k));
      const runs = tx.objectStore('runs');
      const run = await runs.get(runId);
      if (run) {
        const kept = keys.slice(drop.length);
        await runs.put({ ...run, lastCheckpointStep: kept[kept.length - 1]?.[1] });
      }
      return drop.length;
    });
  }

  /**
   * Forgets everything logged after `step` (metrics, samples, checkpoints) and sets the run's
   * step to it: a run resuming from its checkpoint at `step` then re-logs a clean tail.
   */
  rewindTo(runId: string, step: number): Promise<RunRecord> {
    assertStep(step);
    const stores: Store[] = ['runs', 'metrics', 'samples', 'checkpoints'];
    return this.write(stores, async (tx) => {
      const run = await this.requireRun(tx, runId);
      const after = IDBKeyRange.bound([runId, step], [runId, Number.POSITIVE_INFINITY], true);
      await tx.objectStore('metrics').delete(after);
      await tx.objectStore('samples').delete(after);
      const checkpoints = tx.objectStore('checkpoints');
      await checkpoints.delete(after);
      const kept = await checkpoints.getAllKeys(stepRange(runId));
      const next: RunRecord = {
        ...run,
        step,
        lastCheckpointStep: kept[kept.length - 1]?.[1],
        updatedAt: this.now(),
      };
      await tx.objectStore('runs').put(next);
      return next;
    });
  }

  /** Stores data under the SHA-256 of its canonical JSON (once) and returns that id. */
  async putDataset(data: unknown, name = ''): Promise<string> {
    // Hash before opening the transaction: awaiting crypto inside it would let it commit.
    const id = await contentHash(data);
    const record: DatasetRecord = {
      id,
      name,
      createdAt: this.now(),
      bytes: estimateBytes(data),
      data,
    };
    await this.write(['datasets'], async (tx) => {
      const datasets = tx.objectStore('datasets');
      if ((await datasets.getKey(id)) === undefined) await datasets.put(record);
    });
    return id;
  }

  /** T is the caller's dataset type, unchecked. */
  async getDataset<T = unknown>(id: string): Promise<DatasetRecord<T> | undefined> {
    return (await this.db.get('datasets', id)) as DatasetRecord<T> | undefined;
  }

  /** On startup: runs left 'running' by a closed tab become 'interrupted'. Returns their ids. */
  markInterrupted(): Promise<string[]> {
    return this.write(['runs'], async (tx) => {
      const runs = tx.objectStore('runs');
      const running = await runs.index('status').getAll('running');
      const t = this.now();
      await each(running, (r) => runs.put({ ...r, status: 'interrupted', updatedAt: t }));
      return running.map((r) => r.id);
    });
  }

  /** Estimated bytes per run and dataset, with the browser's quota when it reports one. */
  async usage(): Promise<StorageUsage> {
    const tx = this.db.transaction(['runs', 'metrics', 'samples', 'checkpoints', 'datasets']);
    const runs = (await tx.objectStore('runs').index('createdAt').getAll()).reverse();
    const bytes = new Map(runs.map((r) => [r.id, estimateBytes(r)]));
    for (const name of ['metrics', 'samples', 'checkpoints'] as const) {
      let c = await tx.objectStore(name).index('runBytes').openKeyCursor();
      for (; c; c = await c.continue()) {
        const [runId, b] = c.key;
        bytes.set(runId, (bytes.get(runId) ?? 0) + b);
      }
    }
    const datasets: StorageUsage['datasets'] = [];
    let d = await tx.objectStore('datasets').index('bytes').openKeyCursor();
    for (; d; d = await d.continue()) datasets.push({ id: d.primaryKey, bytes: d.key });
    await tx.done;
    const perRun = runs.map((r) => ({ id: r.id, bytes: bytes.get(r.id) ?? 0 }));
    const totalBytes = [...perRun, ...datasets].reduce((s, x) => s + x.bytes, 0);
    const { quota, usage } = await this.estimate();
    return { runs: perRun, datasets, totalBytes, quota, usage };
  }

  private async requireRun(tx: WriteTx<Store[]>, runId: string): Promise<RunRecord> {
    const run = await tx.objectStore('runs').get(runId);
    if (!run) throw new RunNotFoundError(runId);
    return run;
  }

  /** Every write is one transaction, aborted whole on error (see transaction.ts). */
  private write<N extends Store[], R>(
    stores: N,
    body: (tx: WriteTx<N>) => Promise<R>,
    durability: 'default' | 'strict' = 'default',
  ): Promise<R> {
    return writeTransaction(this.db, this.estimate, stores, body, durability);
  }
}
