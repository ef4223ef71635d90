import { beforeEach, describe, expect, it } from 'vitest';
import type { LabelText } from '../data/labels';
import { choosePair, seenWords } from '../pipeline/labelling/pairChoice';
import { openRunStore, type RunStore } from '../storage/runStore';
import { testModel } from '../test/helpers';
import { freshIndexedDB } from '../test/storageFixtures';
import { type BpeTokenizer, EOT_TEXT } from '../tokenizer/bpe';
import { buildExport } from './exports';
import type { LabelEvent } from './labelProtocol';
import { type LabelModels, LabelSession } from './labelSession';

/** A toy tokenizer over the test model's 32 ids (31 is end-of-text). */
const tok = {
  eot: 31,
  encode: (t: string) => [...t].slice(-6).map((c) => c.charCodeAt(0) % 31),
  decode: (ids: number[]) => ids.map((i) => String.fromCharCode(97 + (i % 26))).join(''),
  tokenText: (i: number) => String.fromCharCode(97 + (i % 26)),
} as unknown as BpeTokenizer;

const gen = { temperature: 1, maxNewTokens: 4, seed: 1 };

let store: RunStore;
beforeEach(async () => {
  freshIndexedDB();
  store = await openRunStore('label-session-test');
});

function session(models: () => LabelModels | null) {
  const events: LabelEvent[] = [];
  const s = new LabelSession(
    (e) => events.push(e),
    () => store.labels(),
    models,
  );
  const last = <T extends LabelEvent['type']>(type: T) =>
    events.filter((e): e is Extract<LabelEvent, { type: T }> => e.type === type).at(-1);
  return { s, events, last };
}

describe('LabelSession', () => {
  it('serves pairs, keeps labels per π_ref in IndexedDB, and builds training data', async () => {
    const ref = testModel(3, false);
    const models = (): LabelModels => ({
      reference: ref,
      tokenizer: tok,
      key: 'url:micro',
      policy: null,
      runReference: null,
      step: 0,
      beta: 0.1,
    });
    const { s, last } = session(models);
    await s.open('url:micro');
    await s.next('ref', gen);
    const first = last('label-candidate')?.candidate;
    expect(first?.sampledFrom).toBe('ref');
    expect(first?.test).toBe(false);
    const choices = ['a', 'b', 'tie', 'a', 'skip', 'b', 'a'] as const;
    for (const c of choices) await s.label(c);
    // The card moved on to a new prompt after each label.
    expect(last('label-candidate')?.candidate?.prompt).not.toBe(first?.prompt);
    expect(last('labels')?.counts).toMatchObject({ total: 7, decided: 5, train: 4, heldOut: 1 });
    const data = s.trainingData();
    expect(data.pairs).toHaveLength(4);
    expect(data.preview.every((p) => p.source === 'you')).toBe(true);
    // Label 2 was 'b': its completion b is the chosen one.
    const labels = last('labels')?.labels ?? [];
    expect(data.texts[1]).toEqual({
      prompt: labels[1]?.prompt,
      chosen: labels[1]?.b,
      rejected: labels[1]?.a,
    });
    expect(s.exportData().pairs).toHaveLength(5);
    // Without a run there is no agreement to measure.
    expect(await s.measureAgreement()).toBeNull();

    // A new session (a reload) reads the same labels back and serves fresh prompts.
    const again = session(models);
    await again.s.open('url:micro');
    expect(again.last('labels')?.labels).toEqual(labels);
    await again.s.next('ref', gen);
    const served = new Set(labels.map((l) => l.prompt));
    expect(served.has(again.last('label-candidate')?.candidate?.prompt ?? '')).toBe(false);
    ref.dispose();
  });

  it('the pair order changes which pair is shown: new words first picks among 16 waiting', async () => {
    const ref = testModel(3, false);
    const models = (key: string) => (): LabelModels => ({
      reference: ref,
      tokenizer: tok,
      key,
      policy: null,
      runReference: null,
      step: 0,
      beta: 0.1,
    });
    // As sampled: skipping 16 cards reveals the first two batches in the order sampled.
    const inOrder = session(models('sampled'));
    await inOrder.s.open('sampled');
    await inOrder.s.next('ref', gen, 'sampled');
    const revealed = [];
    for (let i = 0; i < 16; i++) {
      revealed.push(inOrder.last('label-candidate')?.candidate);
      await inOrder.s.label('skip');
    }
    const pairs = revealed.map((c) => ({ a: c?.a ?? '', b: c?.b ?? '' }));
    // New words first, on the same samples (same seed, prompts): the most novel of those 16.
    const novel = session(models('new-words'));
    await novel.s.open('new-words');
    await novel.s.next('ref', gen, 'new-words');
    const first = novel.last('label-candidate')?.candidate;
    const want = pairs[choosePair(pairs, new Set(), 'new-words')];
    expect({ a: first?.a, b: first?.b }).toEqual(want);
    await novel.s.label('skip');
    const second = novel.last('label-candidate')?.candidate;
    const rest = pairs.filter((p) => p !== want);
    const seen = seenWords(want ? [want] : []);
    expect({ a: second?.a, b: second?.b }).toEqual(rest[choosePair(rest, seen, 'new-words')]);
    // The two orders show different pairs (else the control would change nothing here).
    expect([first?.a, second?.a]).not.toEqual([pairs[0]?.a, pairs[1]?.a]);
    ref.dispose();
  });

  it('runs a "test me" round on fresh pairs and measures agreement on it', async () => {
    const ref = testModel(3, false);
    const policy = testModel(5, false);
    let withRun = false;
    const models = (): LabelModels => ({
      reference: ref,
      tokenizer: tok,
      key: 'k',
      policy: withRun ? policy : null,
      runReference: withRun ? ref : null,
      step: withRun ? 12 : 0,
      beta: 0.1,
    });
    const { s, last } = session(models);
    await s.open('k');
    await s.next('ref', gen);
    for (let i = 0; i < 4; i++) await s.label('a');
    withRun = true;
    await s.testMe(3);
    expect(last('label-candidate')).toMatchObject({ testLeft: 3, candidate: { test: true } });
    await s.label('a');
    await s.label('b');
    await s.label('a');
    expect(last('label-candidate')).toMatchObject({ testLeft: 0, candidate: { test: false } });
    const point = last('agreement')?.point;
    expect(point).toMatchObject({ step: 12, heldOutN: 1, testN: 3 });
    // Agreement is a share of 3 pairs (ties count half): a multiple of 1/6 in [0, 1].
    const t = (point?.test ?? Number.NaN) * 6;
    expect(Math.abs(t - Math.round(t))).toBeLessThan(1e-9);
    expect(last('labels')?.counts).toMatchObject({ train: 3, heldOut: 1, test: 3 });
    ref.dispose();
    policy.dispose();
  });

  it('draws the test round from π_ref at temperature 1 whatever the settings; ties do not count', async () => {
    const ref = testModel(3, false);
    const policy = testModel(5, false);
    const models = (key: string) => (): LabelModels => ({
      reference: ref,
      tokenizer: tok,
      key,
      policy,
      runReference: ref,
      step: 3,
      beta: 0.1,
    });
    const round = async (from: 'ref' | 'policy', g: typeof gen) => {
      // Its own label set: a fresh session on the same π_ref would go on after its test pairs.
      const { s, last } = session(models(`k-${from}`));
      await s.open(`k-${from}`);
      await s.next(from, g);
      await s.testMe(2);
      const first = last('label-candidate')?.candidate;
      // A tie is counted and another pair shown: 2 decided pairs are still wanted.
      await s.label('tie');
      expect(last('label-candidate')?.testLeft).toBe(2);
      await s.label('a');
      await s.label('b');
      return { first, point: last('agreement')?.point };
    };
    const a = await round('ref', gen);
    const b = await round('policy', { temperature: 3, maxNewTokens: 4, seed: 9 });
    expect(a.first).toEqual(b.first);
    expect(a.first?.sampledFrom).toBe('ref');
    expect(a.point).toMatchObject({ testN: 2, testTies: 1 });
    ref.dispose();
    policy.dispose();
  });

  it('imports a pooled file as labels: labellers kept, duplicates merged, conflicts decided', async () => {
    const ref = testModel(3, false);
    const models = (): LabelModels => ({
      reference: ref,
      tokenizer: tok,
      key: 'k',
      policy: null,
      runReference: null,
      step: 0,
      beta: 0.1,
    });
    const { s, last } = session(models);
    await s.open('k');
    const row = (chosen: string, rejected: string, labeller?: string) =>
      JSON.stringify({ prompt: '<|endoftext|>The film', chosen, rejected, labeller });
    const file = [
      row(' great', ' bad', 'ana'),
      row(' great', ' bad', 'bo'),
      row(' bad', ' great', 'cy'),
      row(' fun', ' dull', 'ana'),
      row(' slow', ' fast'),
    ].join('\n');
    const summary = await s.importLabels('class.jsonl', file);
    expect(summary).toMatchObject({ rows: 5, added: 3, duplicates: 2, conflicts: 1, known: 0 });
    const labels = last('labels')?.labels ?? [];
    expect(labels.map((l) => [l.source, l.labellers, l.choice, l.votes])).toEqual([
      ['import', ['ana', 'bo', 'cy'], 'a', { a: 2, b: 1 }],
      ['import', ['ana'], 'a', { a: 1, b: 0 }],
      ['import', ['class.jsonl'], 'a', { a: 1, b: 0 }],
    ]);
    expect(labels[0]?.prompt).toBe('The film');
    expect(last('labels')?.imported).toMatchObject({ file: 'class.jsonl', added: 3 });
    // The third decided label is not held out (every 4th is): the pool trains in one click.
    expect(s.trainingData().pairs).toHaveLength(3);
    // The same file again adds nothing: its pairs are known.
    expect(await s.importLabels('class.jsonl', file)).toMatchObject({ added: 0, known: 5 });
    ref.dispose();
  });

  it('finds its own TRL export again on import, and keeps test pairs out of training', async () => {
    const ref = testModel(3, false);
    // The toy tokenizer with BpeTokenizer's end-of-text: decoded as the marker, which the export
    // writes before each prompt and after each completion that stopped.
    const eotTok = {
      ...tok,
      decode: (ids: number[]) => ids.map((i) => (i === 31 ? EOT_TEXT : tok.decode([i]))).join(''),
    } as unknown as BpeTokenizer;
    const models = (): LabelModels => ({
      reference: ref,
      tokenizer: eotTok,
      key: 'k',
      policy: null,
      runReference: null,
      step: 0,
      beta: 0.1,
    });
    const { s, last } = session(models);
    await s.open('k');
    // As sampled: the counts below are of the pairs served in that order.
    await s.next('ref', gen, 'sampled');
    const choices = ['a', 'b', 'tie', 'a', 'b', 'skip'] as const;
    for (let i = 0; i < 24; i++) await s.label(choices[i % choices.length] ?? 'a');
    await s.testMe(5);
    for (let i = 0; i < 4; i++) await s.label(i % 2 === 0 ? 'a' : 'b');
    // The fifth test pair is on the card, not labelled yet.
    const onCard = last('label-candidate');
    expect(onCard).toMatchObject({ testLeft: 1, candidate: { test: true } });
    expect(last('labels')?.counts).toMatchObject({ total: 28, decided: 20, train: 12, test: 4 });
    const labels = last('labels')?.labels ?? [];

    // The export, as LabelTraining.exportLabels builds it: 20 decided rows.
    const data = s.exportData();
    const f = await buildExport('dataset-trl', {
      model: ref,
      tokenizer: eotTok,
      meta: {},
      pairs: data.texts,
      tokenPairs: data.pairs,
    });
    const text = new TextDecoder().decode(f.bytes);
    const rows = text.trim().split('\n');
    expect(rows).toHaveLength(20);
    const exported = rows.map((r) => JSON.parse(r) as LabelText);
    // The routes' text differs: the toy tokenizer cannot spell a prompt, and a completion that
    // stopped ends with the marker.
    const stopped = exported.filter(
      (r) => r.chosen.endsWith(EOT_TEXT) || r.rejected.endsWith(EOT_TEXT),
    );
    expect(stopped).toHaveLength(7);
    expect(exported[0]?.prompt).not.toBe(`${EOT_TEXT}${labels[0]?.prompt}`);

    const again = await s.importLabels('mine.jsonl', text);
    expect(again).toEqual({
      file: 'mine.jsonl',
      rows: 20,
      added: 0,
      duplicates: 0,
      conflicts: 0,
      known: 20,
      test: 4,
      skipped: 0,
    });
    expect(last('labels')?.counts).toMatchObject({ total: 28, train: 12, test: 4 });

    // A classmate's file: a test pair (reversed, without markers), the test pair on the card,
    // and a new pair voted 2 : 1 (the conflict rule) with and without markers.
    const testLabel = labels.find((l) => l.test);
    const card = onCard?.candidate;
    const row = (prompt: string, chosen: string, rejected: string, labeller: string) =>
      JSON.stringify({ prompt, chosen, rejected, labeller });
    const pooled = [
      row(testLabel?.prompt ?? '', testLabel?.b ?? '', testLabel?.a ?? '', 'ana'),
      row(card?.prompt ?? '', card?.a ?? '', card?.b ?? '', 'bo'),
      row(`${EOT_TEXT}A new prompt`, ` good${EOT_TEXT}`, ' bad', 'ana'),
      row('A new prompt', ' good', ' bad', 'bo'),
      row('A new prompt ', 'bad', 'good', 'cy'),
    ].join('\n');
    expect(await s.importLabels('class.jsonl', pooled)).toMatchObject({
      rows: 5,
      added: 1,
      duplicates: 2,
      conflicts: 1,
      known: 1,
      test: 2,
    });
    expect(last('labels')?.imported).toMatchObject({ file: 'class.jsonl', test: 2 });
    const added = (last('labels')?.labels ?? []).at(-1);
    expect(added).toMatchObject({
      prompt: 'A new prompt',
      a: ' good',
      b: ' bad',
      choice: 'a',
      votes: { a: 2, b: 1 },
      labellers: ['ana', 'bo', 'cy'],
    });
    // 12 trained on before, the new pair the 13th; no test prompt among them.
    const train = s.trainingData().texts;
    expect(train).toHaveLength(13);
    expect(train.some((t) => t.prompt === testLabel?.prompt)).toBe(false);
    expect(last('labels')?.counts).toMatchObject({ total: 29, train: 13, test: 4 });
    ref.dispose();
  });
});
