/** The IndexedDB schema of the run store and its upgrade path. */
import type { DBSchema, IDBPDatabase } from 'idb';
import type {
  DatasetRecord,
  LabelSetRecord,
  RunRecord,
  StoredCheckpoint,
  StoredMetricPoint,
} from './records';

/** 1: runs, metrics, samples, checkpoints, datasets. 2: + labels (the labelling mode). */
export const DB_VERSION = 2;

/** Per-run rows are keyed [runId, step] so one key range reads or deletes a run in step order. */
type RunStepKey = [string, number];

export interface MetricRow {
  runId: string;
  step: number;
  bytes: number;
  point: StoredMetricPoint;
}

interface SampleRow {
  runId: string;
  step: number;
  bytes: number;
  samples: unknown[];
}

export interface CheckpointRow {
  runId: string;
  step: number;
  createdAt: number;
  bytes: number;
  checkpoint: StoredCheckpoint;
}

/**
 * `runBytes` indexes [runId, bytes] so usage() can sum sizes with a key cursor, without
 * reading (and cloning) the weights.
 */
export interface RunStoreSchema extends DBSchema {
  runs: {
    key: string;
    value: RunRecord;
    indexes: { createdAt: number; status: string; datasetId: string };
  };
  metrics: { key: RunStepKey; value: MetricRow; indexes: { runBytes: RunStepKey } };
  samples: { key: RunStepKey; value: SampleRow; indexes: { runBytes: RunStepKey } };
  checkpoints: { key: RunStepKey; value: CheckpointRow; indexes: { runBytes: RunStepKey } };
  datasets: { key: string; value: DatasetRecord; indexes: { bytes: number } };
  labels: { key: string; value: LabelSetRecord };
}

export type RunStoreDB = IDBPDatabase<RunStoreSchema>;

/** Brings a database at `oldVersion` up to DB_VERSION, one version at a time. */
export function upgradeSchema(db: RunStoreDB, oldVersion: number): void {
  for (let v = oldVersion; v < DB_VERSION; v++) {
    switch (v) {
      case 0:
        createVersion1(db);
        break;
      case 1:
        db.createObjectStore('labels', { keyPath: 'id' });
        break;
      default:
        throw new Error(`no upgrade from run store version ${v}`);
    }
  }
}

function createVersion1(db: RunStoreDB): void {
  const runs = db.createObjectStore('runs', { keyPath: 'id' });
  runs.createIndex('createdAt', 'createdAt');
  runs.createIndex('status', 'status');
  runs.createIndex('datasetId', 'datasetId');
  const keyPath = ['runId', 'step'];
  const runBytes = ['runId', 'bytes'];
  db.createObjectStore('metrics', { keyPath }).createIndex('runBytes', runBytes);
  db.createObjectStore('samples', { keyPath }).createIndex('runBytes', runBytes);
  db.createObjectStore('checkpoints', { keyPath }).createIndex('runBytes', runBytes);
  db.createObjectStore('datasets', { keyPath: 'id' }).createIndex('bytes', 'bytes');
}

/** Keys [runId, from..to] of the per-run stores, in step order. */
export function stepRange(
  runId: string,
  from = Number.NEGATIVE_INFINITY,
  to = Number.POSITIVE_INFINITY,
): IDBKeyRange {
  return IDBKeyRange.bound([runId, from], [runId, to]);
}
