import { beforeEach, describe, expect, it } from 'vitest';
import { openRunStore } from '../storage/runStore';
import { freshIndexedDB, steppingClock } from '../test/storageFixtures';
import {
  addLabel,
  editLabel,
  type LabelChoice,
  type LabelledPair,
  labelCounts,
  labelPairs,
  labelPromptRange,
  type NewLabel,
  removeLabel,
} from './labels';

const pairOf = (i: number, choice: LabelChoice): NewLabel => ({
  prompt: `p${i}`,
  a: ` a${i}`,
  b: ` b${i}`,
  promptIds: [0, i],
  aIds: [10 + i],
  bIds: [20 + i],
  choice,
  source: 'you',
  sampledFrom: 'ref',
});

function label(choices: LabelChoice[]): LabelledPair[] {
  return choices.reduce<LabelledPair[]>(
    (set, c, i) => addLabel(set, pairOf(i, c), `l${i}`, 1000 + i),
    [],
  );
}

describe('the label set', () => {
  it('holds out every 4th decided label; ties and skips are neither trained on nor held out', () => {
    //              0    1    2      3     4    5    6    7    8
    const set = label(['a', 'b', 'tie', 'skip', 'a', 'b', 'a', 'a', 'b']);
    // decided: 0 1 4 5 6 7 8 → the 4th (index 5) and the 8th would be held out: only index 5
    expect(set.filter((l) => l.heldOut).map((l) => l.id)).toEqual(['l5']);
    expect(labelCounts(set)).toEqual({
      total: 9,
      decided: 7,
      ties: 1,
      skips: 1,
      train: 6,
      heldOut: 1,
      test: 0,
    });
    const train = labelPairs(set, 'train');
    expect(train.map((t) => t.id)).toEqual(['l0', 'l1', 'l4', 'l6', 'l7', 'l8']);
    // choice 'b' trains b as chosen: ids and texts both swap
    expect(train[1]).toMatchObject({
      pair: { prompt: [0, 1], chosen: [21], rejected: [11] },
      text: { prompt: 'p1', chosen: ' b1', rejected: ' a1' },
    });
    expect(labelPairs(set, 'held-out')[0]?.pair).toEqual({
      prompt: [0, 5],
      chosen: [25],
      rejected: [15],
    });
  });

  it('edits and removes labels; a held-out label stays held out unless it becomes a tie', () => {
    let set = label(['a', 'a', 'a', 'a']);
    expect(set[3]?.heldOut).toBe(true);
    set = editLabel(set, 'l3', 'b');
    expect(set[3]).toMatchObject({ choice: 'b', heldOut: true });
    set = editLabel(set, 'l3', 'tie');
    expect(set[3]).toMatchObject({ choice: 'tie', heldOut: false });
    set = editLabel(set, 'l0', 'skip');
    expect(labelCounts(set)).toMatchObject({ decided: 2, train: 2, heldOut: 0 });
    set = removeLabel(set, 'l1');
    // A "test me" label is never trained on and does not shift the every-4th count.
    set = addLabel(set, { ...pairOf(9, 'a'), test: true }, 't9', 2000);
    set = addLabel(set, pairOf(10, 'b'), 'l10', 2001);
    expect(labelCounts(set)).toMatchObject({ decided: 3, train: 2, heldOut: 0, test: 1 });
    expect(labelPairs(set, 'test').map((t) => t.id)).toEqual(['t9']);
    set = removeLabel(set, 't9');
    set = removeLabel(set, 'l10');
    expect(set.map((l) => l.id)).toEqual(['l0', 'l2', 'l3']);
  });
});

describe('label sets in IndexedDB', () => {
  beforeEach(() => freshIndexedDB());

  it('survive a reopen, one set per π_ref; an empty set is deleted', async () => {
    const store = await openRunStore('labels-test', { now: steppingClock() });
    const set = label(['a', 'tie', 'b']);
    await store.labels().put('url:/checkpoints/sft-micro.json', set);
    await store.labels().put('stored:run-7', label(['b']));
    store.close();

    const reopened = await openRunStore('labels-test', { now: steppingClock() });
    const back = await reopened.labels().get<LabelledPair>('url:/checkpoints/sft-micro.json');
    expect(back).toEqual(set);
    expect((await reopened.labels().list()).sort()).toEqual([
      'stored:run-7',
      'url:/checkpoints/sft-micro.json',
    ]);
    await reopened.labels().put('stored:run-7', []);
    expect(await reopened.labels().get('stored:run-7')).toEqual([]);
    expect(await reopened.labels().list()).toEqual(['url:/checkpoints/sft-micro.json']);
    reopened.close();
  });

  it('adds the labels store to a version-1 database and keeps its runs', async () => {
    const req = indexedDB.open('v1-db', 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('runs', { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
      req.result.createObjectStore('datasets', { keyPath: 'id' });
    };
    const db = await new Promise<IDBDatabase>((resolve) => {
      req.onsuccess = () => resolve(req.result);
    });
    db.transaction('runs', 'readwrite').objectStore('runs').put({ id: 'old', createdAt: 1 });
    await new Promise((r) => setTimeout(r, 10));
    db.close();
    const store = await openRunStore('v1-db');
    expect((await store.getRun('old'))?.id).toBe('old');
    await store.labels().put('k', label(['a']));
    expect(await store.labels().get('k')).toHaveLength(1);
    store.close();
  });
});

describe('where served pairs take their prompts', () => {
  it('labelling keeps to reviews 1200–1599 and comes round again, never into the test round', () => {
    expect(labelPromptRange('label', 0, 8)).toEqual({ base: 1200, offset: 1200, count: 8 });
    expect(labelPromptRange('label', 392, 8)).toEqual({ base: 1200, offset: 1592, count: 8 });
    // Pair 400 and on: round again from 1200 (its samples seeded by base + start = 1600).
    expect(labelPromptRange('label', 400, 8)).toEqual({ base: 1200, offset: 1200, count: 8 });
    expect(labelPromptRange('label', 396, 8)).toEqual({ base: 1200, offset: 1596, count: 4 });
    for (let start = 0; start < 2000; start += 8) {
      const r = labelPromptRange('label', start, 8);
      expect(r.offset + r.count).toBeLessThanOrEqual(1600);
    }
  });

  it('the test round keeps to reviews 1600–1799', () => {
    expect(labelPromptRange('test', 0, 8)).toEqual({ base: 1600, offset: 1600, count: 8 });
    expect(labelPromptRange('test', 200, 8).offset).toBe(1600);
  });
});
