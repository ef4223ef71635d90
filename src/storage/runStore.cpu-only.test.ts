import { beforeEach, describe, expect, it } from 'vitest';
import {
  bits,
  checkpointFixture,
  freshIndexedDB,
  newRun,
  steppingClock,
} from '../test/storageFixtures';
import { estimateBytes } from './bytes';
import { RunNotFoundError } from './errors';
import { openRunStore, type RunStoreOptions } from './runStore';
import { DB_VERSION } from './schema';

const DB = 'runs-test';
let ids = 0;
const opts = (): RunStoreOptions => ({
  now: steppingClock(),
  newId: () => `run-${++ids}`,
  estimate: async () => ({ usage: 1234, quota: 5678 }),
});

beforeEach(() => {
  freshIndexedDB();
  ids = 0;
});

describe('schema', () => {
  it('creates the stores of every version', async () => {
    const store = await openRunStore(DB, opts());
    store.close();
    const req = indexedDB.open(DB);
    const db = await new Promise<IDBDatabase>((resolve) => {
      req.onsuccess = () => resolve(req.result);
    });
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([
      'checkpoints',
      'datasets',
      'labels',
      'metrics',
      'runs',
      'samples',
    ]);
    db.close();
  });
});

describe('runs and metrics survive a reopen', () => {
  it('returns the run and every batch of points, merged and sorted by step', async () => {
    const store = await openRunStore(DB, opts());
    const run = await store.createRun(newRun('first'));
    expect(run).toMatchObject({ id: 'run-1', status: 'running', step: 0, totalSteps: 60 });
    await store.appendMetrics(run.id, [
      { step: 4, phase: 'dpo', loss: 0.6 },
      { step: 2, phase: 'dpo', loss: 0.65 },
    ]);
    await store.appendMetrics(run.id, [{ step: 1, phase: 'dpo', loss: 0.69 }]);
    // An evaluation at step 4 joins the training point; a re-logged step 2 replaces its loss.
    await store.appendMetrics(run.id, [
      { step: 4, phase: 'dpo', 'eval/reward': 0.7 },
      { step: 2, phase: 'dpo', loss: 0.64 },
      { step: 6, phase: 'dpo', loss: 0.5 },
    ]);
    await store.updateRun(run.id, { step: 6, status: 'paused' });
    store.close();

    const reopened = await openRunStore(DB, opts());
    expect(await reopened.getRun(run.id)).toMatchObject({
      name: 'first',
      step: 6,
      status: 'paused',
    });
    expect(await reopened.getMetrics(run.id)).toEqual([
      { step: 1, phase: 'dpo', loss: 0.69 },
      { step: 2, phase: 'dpo', loss: 0.64 },
      { step: 4, phase: 'dpo', loss: 0.6, 'eval/reward': 0.7 },
      { step: 6, phase: 'dpo', loss: 0.5 },
    ]);
    reopened.close();
  });

  it('sorts steps numerically, not as text', async () => {
    const store = await openRunStore(DB, opts());
    const { id } = await store.createRun(newRun('r'));
    await store.appendMetrics(
      id,
      [10, 9, 100, 0].map((step) => ({ step, loss: step })),
    );
    expect((await store.getMetrics(id)).map((p) => p.step)).toEqual([0, 9, 10, 100]);
    store.close();
  });

  it('refuses points for an unknown run and stores none of them', async () => {
    const store = await openRunStore(DB, opts());
    await expect(store.appendMetrics('nope', [{ step: 1, loss: 1 }])).rejects.toThrow(
      new RunNotFoundError('nope'),
    );
    expect(await store.getMetrics('nope')).toEqual([]);
    store.close();
  });

  it('lists runs newest first and renames in place', async () => {
    const store = await openRunStore(DB, opts());
    const a = await store.createRun(newRun('a'));
    const b = await store.createRun(newRun('b'));
    const renamed = await store.renameRun(a.id, '  β = 0.5  ');
    expect(renamed.name).toBe('β = 0.5');
    expect(renamed.updatedAt).toBeGreaterThan(a.updatedAt);
    expect(renamed.createdAt).toBe(a.createdAt);
    expect((await store.listRuns()).map((r) => [r.id, r.name])).toEqual([
      [b.id, 'b'],
      [a.id, 'β = 0.5'],
    ]);
    expect(() => store.renameRun(a.id, '   ')).toThrow('a run name cannot be empty');
    await expect(store.renameRun('missing', 'x')).rejects.toThrow('no run with id "missing"');
    store.close();
  });

  it('keeps samples per evaluation step', async () => {
    const store = await openRunStore(DB, opts());
    const { id } = await store.createRun(newRun('s'));
    await store.putSamples(id, 20, [{ text: 'good', reward: 0.9 }]);
    await store.putSamples(id, 0, [{ text: 'meh', reward: 0.4 }]);
    await store.putSamples(id, 20, [{ text: 'great', reward: 0.95 }]);
    expect(await store.getSamples(id)).toEqual([
      { step: 0, samples: [{ text: 'meh', reward: 0.4 }] },
      { step: 20, samples: [{ text: 'great', reward: 0.95 }] },
    ]);
    store.close();
  });
});

describe('checkpoints', () => {
  it('round-trips weights and optimizer state bit-exactly, across a reopen', async () => {
    const store = await openRunStore(DB, opts());
    const { id } = await store.createRun(newRun('c'));
    const ckpt = checkpointFixture(10);
    await store.putCheckpoint(id, 10, ckpt);
    store.close();

    const reopened = await openRunStore(DB, opts());
    const latest = await reopened.latestCheckpoint(id);
    expect(latest?.step).toBe(10);
    const back = latest?.checkpoint;
    expect(back?.config).toEqual(ckpt.config);
    expect(Object.keys(back?.params ?? {})).toEqual(['transformer.wte.weight', 'special']);
    for (const [name, t] of Object.entries(ckpt.params)) {
      const got = back?.params[name];
      expect(got?.data).toBeInstanceOf(Float32Array);
      expect(got?.shape).toEqual(t.shape);
      expect(bits(got?.data ?? new Float32Array())).toEqual(bits(t.data));
    }
    expect(bits(back?.params.special?.data ?? new Float32Array())[5]).toBe(0x7fc00abc);
    expect(back?.optimizer?.map((o) => [o.name, o.shape, bits(o.data)])).toEqual(
      ckpt.optimizer?.map((o) => [o.name, o.shape, bits(o.data)]),
    );
    expect((await reopened.getRun(id))?.lastCheckpointStep).toBe(10);
    reopened.close();
  });

  it('keeps the 2 latest by default and prunes further on request', async () => {
    const store = await openRunStore(DB, opts());
    const { id } = await store.createRun(newRun('p'));
    for (const step of [10, 20, 30]) await store.putCheckpoint(id, step, checkpointFixture(step));
    expect(await store.getCheckpoint(id, 10)).toBeUndefined();
    expect((await store.getCheckpoint(id, 20))?.meta).toEqual({ step: 20 });
    expect((await store.latestCheckpoint(id))?.step).toBe(30);
    expect((await store.getRun(id))?.lastCheckpointStep).toBe(30);

    await store.putCheckpoint(id, 40, checkpointFixture(40), { keep: 3 });
    expect(await store.getCheckpoint(id, 20)).toBeDefined();
    expect(await store.pruneCheckpoints(id, 1)).toBe(2);
    expect(await store.getCheckpoint(id, 30)).toBeUndefined();
    expect((await store.latestCheckpoint(id))?.step).toBe(40);
    expect(await store.pruneCheckpoints(id, 0)).toBe(1);
    expect(await store.latestCheckpoint(id)).toBeUndefined();
    expect((await store.getRun(id))?.lastCheckpointStep).toBeUndefined();
    store.close();
  });

  it('rejects a tensor whose data does not match its shape', async () => {
    const store = await openRunStore(DB, opts());
    const { id } = await store.createRun(newRun('bad'));
    const ckpt = checkpointFixture(1);
    ckpt.params.short = { shape: [2, 3], data: new Float32Array(5) };
    await expect(store.putCheckpoint(id, 1, ckpt)).rejects.toThrow(
      'short: shape [2, 3] needs 6 values, got 5',
    );
    expect(await store.latestCheckpoint(id)).toBeUndefined();
    store.close();
  });

  it('rewinds a run to its checkpoint, dropping the later tail', async () => {
    const store = await openRunStore(DB, opts());
    const { id } = await store.createRun(newRun('resume'));
    await store.appendMetrics(
      id,
      [20, 30, 40].map((step) => ({ step, loss: 1 / step })),
    );
    await store.putSamples(id, 20, ['a']);
    await store.putSamples(id, 40, ['b']);
    await store.putCheckpoint(id, 20, checkpointFixture(20));
    await store.putCheckpoint(id, 40, checkpointFixture(40));
    const run = await store.rewindTo(id, 30);
    expect(run).toMatchObject({ step: 30, lastCheckpointStep: 20 });
    expect((await store.getMetrics(id)).map((p) => p.step)).toEqual([20, 30]);
    expect((await store.getSamples(id)).map((s) => s.step)).toEqual([20]);
    expect((await store.latestCheckpoint(id))?.step).toBe(20);
    store.close();
  });
});

describe('deleteRun and datasets', () => {
  it('stores a dataset once per content and frees it with its last run', async () => {
    const store = await openRunStore(DB, opts());
    const data = { prompts: ['I loved', 'The plot'], pairs: [{ chosen: 'a', rejected: 'b' }] };
    const idA = await store.putDataset(data, 'reviews');
    // Same content, keys in another order: same hash, one record.
    const idB = await store.putDataset({
      pairs: [{ rejected: 'b', chosen: 'a' }],
      prompts: data.prompts,
    });
    expect(idB).toBe(idA);
    expect(idA).toMatch(/^[0-9a-f]{64}$/);
    expect((await store.usage()).datasets).toHaveLength(1);

    const a = await store.createRun(newRun('a', { datasetId: idA }));
    const b = await store.createRun(newRun('b', { datasetId: idA }));
    for (const r of [a, b]) {
      await store.appendMetrics(r.id, [{ step: 1, loss: 0.7 }]);
      await store.putSamples(r.id, 1, ['x']);
      await store.putCheckpoint(r.id, 1, checkpointFixture(1));
    }

    expect(await store.deleteRun(a.id)).toBe(true);
    expect(await store.getRun(a.id)).toBeUndefined();
    expect(await store.getMetrics(a.id)).toEqual([]);
    expect(await store.getSamples(a.id)).toEqual([]);
    expect(await store.latestCheckpoint(a.id)).toBeUndefined();
    expect((await store.getDataset(idA))?.data).toEqual(data);
    expect(await store.getMetrics(b.id)).toEqual([{ step: 1, loss: 0.7 }]);
    expect((await store.latestCheckpoint(b.id))?.step).toBe(1);

    expect(await store.deleteRun(b.id)).toBe(true);
    expect(await store.getDataset(idA)).toBeUndefined();
    expect(await store.deleteRun(b.id)).toBe(false);
    store.close();
  });
});

describe('markInterrupted', () => {
  it('turns runs left running into interrupted ones, once', async () => {
    const store = await openRunStore(DB, opts());
    const running = await store.createRun(newRun('r1'));
    const paused = await store.createRun(newRun('p', { status: 'paused' }));
    const running2 = await store.createRun(newRun('r2', { step: 12 }));
    const done = await store.createRun(newRun('d', { status: 'done' }));
    store.close();

    const afterReload = await openRunStore(DB, opts());
    expect((await afterReload.markInterrupted()).sort()).toEqual([running.id, running2.id].sort());
    const status = Object.fromEntries((await afterReload.listRuns()).map((r) => [r.id, r.status]));
    expect(status).toEqual({
      [running.id]: 'interrupted',
      [paused.id]: 'paused',
      [running2.id]: 'interrupted',
      [done.id]: 'done',
    });
    expect((await afterReload.getRun(running2.id))?.step).toBe(12);
    expect(await afterReload.markInterrupted()).toEqual([]);
    afterReload.close();
  });
});

describe('updateRun', () => {
  it('patches fields but leaves the store-owned ones alone', async () => {
    const store = await openRunStore(DB, opts());
    const run = await store.createRun(newRun('u'));
    await store.putCheckpoint(run.id, 5, checkpointFixture(5));
    const patch = { status: 'failed', error: 'NaN loss', lastCheckpointStep: 99, id: 'x' } as const;
    const next = await store.updateRun(run.id, patch as unknown as { status: 'failed' });
    expect(next).toMatchObject({ id: run.id, status: 'failed', error: 'NaN loss' });
    expect(next.lastCheckpointStep).toBe(5);
    await expect(store.updateRun('gone', { step: 1 })).rejects.toBeInstanceOf(RunNotFoundError);
    store.close();
  });
});

describe('usage', () => {
  it('sums the estimated bytes of each run and dataset', async () => {
    const store = await openRunStore(DB, opts());
    const datasetId = await store.putDataset(['p1', 'p2']); // '["p1","p2"]': 11 bytes
    const a = await store.createRun(newRun('a', { datasetId }));
    const b = await store.createRun(newRun('b'));
    const ckpt = checkpointFixture(3);
    await store.putCheckpoint(a.id, 3, ckpt);
    await store.appendMetrics(a.id, [{ step: 3, loss: 0.5 }]); // {"step":3,"loss":0.5}: 21 bytes
    await store.putSamples(b.id, 0, ['hi']); // '["hi"]': 6 bytes

    const u = await store.usage();
    const runA = await store.getRun(a.id);
    const runB = await store.getRun(b.id);
    // 12 + 6 params + 1 + 12 optimizer floats = 31 floats = 124 bytes of the checkpoint's.
    expect(estimateBytes(ckpt)).toBeGreaterThan(124);
    expect(u.runs).toEqual([
      { id: b.id, bytes: estimateBytes(runB) + 6 },
      { id: a.id, bytes: estimateBytes(runA) + 21 + estimateBytes(ckpt) },
    ]);
    expect(u.datasets).toEqual([{ id: datasetId, bytes: 11 }]);
    expect(u.totalBytes).toBe((u.runs[0]?.bytes ?? 0) + (u.runs[1]?.bytes ?? 0) + 11);
    expect(u).toMatchObject({ usage: 1234, quota: 5678 });

    await store.deleteRun(a.id);
    const after = await store.usage();
    expect(after.runs.map((r) => r.id)).toEqual([b.id]);
    expect(after.datasets).toEqual([]);
    expect(after.totalBytes).toBe(estimateBytes(runB) + 6);
    store.close();
  });
});
