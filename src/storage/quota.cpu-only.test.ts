import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bits, checkpointFixture, freshIndexedDB, newRun } from '../test/storageFixtures';
import { StorageFullError } from './errors';
import type { RunRecord } from './records';
import { openRunStore, type RunStore } from './runStore';

const FULL =
  'Browser storage is full (used 49.9 MB of 50.0 MB). Delete old runs or prune checkpoints; ' +
  'this run keeps training but is not being saved.';

/** Reaches fake-indexeddb's abort with an error name, as a browser aborts on a full disk. */
type AbortableTx = { _abort(errorName: string): void };

let store: RunStore;
let runId: string;

beforeEach(async () => {
  freshIndexedDB();
  store = await openRunStore('quota-test', {
    estimate: async () => ({ usage: 49_900_000, quota: 50_000_000 }),
  });
  runId = (await store.createRun(newRun('full disk'))).id;
  await store.appendMetrics(runId, [
    { step: 5, loss: 0.6 },
    { step: 10, loss: 0.5 },
  ]);
  await store.putCheckpoint(runId, 10, checkpointFixture(10));
});

afterEach(() => {
  vi.restoreAllMocks();
  store.close();
});

/**
 * A put into object store `name` is stored, then its whole transaction aborts, as a browser
 * aborts on a full disk: the requests fail with AbortError, transaction.error is the
 * QuotaExceededError.
 */
function abortPutsTo(name: string): void {
  const put = IDBObjectStore.prototype.put;
  vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
    this: IDBObjectStore,
    value: unknown,
    key?: IDBValidKey,
  ) {
    const request = put.call(this, value, key);
    if (this.name === name)
      (this.transaction as unknown as AbortableTx)._abort('QuotaExceededError');
    return request;
  });
}

/** Everything stored before the failed write reads back unchanged. */
async function expectStep10Intact(): Promise<void> {
  expect((await store.getRun(runId))?.lastCheckpointStep).toBe(10);
  const latest = await store.latestCheckpoint(runId);
  expect(latest?.step).toBe(10);
  const want = checkpointFixture(10);
  for (const [name, t] of Object.entries(want.params)) {
    expect(bits(latest?.checkpoint.params[name]?.data ?? new Float32Array())).toEqual(bits(t.data));
  }
  expect(await store.getCheckpoint(runId, 20)).toBeUndefined();
  expect(await store.getMetrics(runId)).toEqual([
    { step: 5, loss: 0.6 },
    { step: 10, loss: 0.5 },
  ]);
}

describe('a full disk', () => {
  it('becomes StorageFullError when a put throws QuotaExceededError mid-way', async () => {
    const put = IDBObjectStore.prototype.put;
    // The checkpoint row goes in; the run row that follows it in the transaction does not.
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey,
    ) {
      if (this.name === 'runs' && (value as RunRecord).lastCheckpointStep === 20) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return put.call(this, value, key);
    });
    const err = await store.putCheckpoint(runId, 20, checkpointFixture(20)).catch((e) => e);
    expect(err).toBeInstanceOf(StorageFullError);
    expect((err as StorageFullError).message).toBe(FULL);
    expect((err as StorageFullError).cause).toBeInstanceOf(DOMException);
    vi.restoreAllMocks();
    await expectStep10Intact();
  });

  it('becomes StorageFullError when the transaction aborts with QuotaExceededError', async () => {
    abortPutsTo('checkpoints');
    await expect(store.putCheckpoint(runId, 20, checkpointFixture(20))).rejects.toThrow(FULL);
    await expect(
      store.appendMetrics(runId, [
        { step: 10, loss: 0.1 },
        { step: 20, loss: 0.4 },
      ]),
    ).resolves.toBeUndefined(); // the store stays usable: writes that fit still land
    vi.restoreAllMocks();
    expect((await store.getRun(runId))?.lastCheckpointStep).toBe(10);
    expect(await store.getCheckpoint(runId, 20)).toBeUndefined();
    expect(await store.getMetrics(runId)).toEqual([
      { step: 5, loss: 0.6 },
      { step: 10, loss: 0.1 },
      { step: 20, loss: 0.4 },
    ]);
  });

  it('stores none of a metrics batch that does not fit, and recovers when space frees', async () => {
    const put = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey,
    ) {
      if (this.name === 'metrics' && (value as { step: number }).step === 20) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return put.call(this, value, key);
    });
    // Step 10 would be rewritten first, then step 20 fails: the rewrite is rolled back too.
    await expect(
      store.appendMetrics(runId, [
        { step: 10, loss: 0.1 },
        { step: 20, loss: 0.4 },
      ]),
    ).rejects.toBeInstanceOf(StorageFullError);
    await expectStep10Intact();

    vi.restoreAllMocks();
    await store.putCheckpoint(runId, 20, checkpointFixture(20));
    await store.appendMetrics(runId, [{ step: 20, loss: 0.4 }]);
    expect((await store.getRun(runId))?.lastCheckpointStep).toBe(20);
    expect((await store.getMetrics(runId)).map((p) => p.step)).toEqual([5, 10, 20]);
  });

  it('keeps a label set whole when its rewrite aborts on a full disk', async () => {
    const labels = store.labels();
    await labels.put('set', ['a']);
    abortPutsTo('labels');
    await expect(labels.put('set', ['a', 'b'])).rejects.toThrow(FULL);
    vi.restoreAllMocks();
    expect(await labels.get('set')).toEqual(['a']);
  });

  it('passes other errors through unchanged', async () => {
    const err = await store
      .putSamples(runId, 1, [() => 'functions cannot be cloned'])
      .catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(StorageFullError);
    expect((err as Error).name).toBe('DataCloneError');
    expect(await store.getSamples(runId)).toEqual([]);
  });
});

describe('StorageFullError', () => {
  it('says how full storage is when the browser reports it, and what to do', () => {
    expect(new StorageFullError(1_500_000, 2_000_000_000).message).toBe(
      'Browser storage is full (used 1.5 MB of 2.0 GB). Delete old runs or prune checkpoints; ' +
        'this run keeps training but is not being saved.',
    );
    expect(new StorageFullError().message).toBe(
      'Browser storage is full. Delete old runs or prune checkpoints; ' +
        'this run keeps training but is not being saved.',
    );
  });
});
