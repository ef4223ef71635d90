import { beforeEach, describe, expect, it } from 'vitest';
import { controllerSession, SMALL_RUN } from '../test/controllerSession';
import { freshIndexedDB } from '../test/storageFixtures';

beforeEach(() => freshIndexedDB());

const gen = { temperature: 1, maxNewTokens: 4, seed: 1 };
const settings = {
  ...SMALL_RUN,
  steps: 4,
  rounds: 3, // the labels are the data: trained in one round whatever this says
  eval: { ...SMALL_RUN.eval, every: 2 },
};

describe('training on your labels', () => {
  it('trains DPO on the labels, measures agreement, and goes on from π_θ with more labels', async () => {
    const s = await controllerSession();
    s.c.reset();
    const labels = s.c.labelling.labels;
    await labels.next('ref', gen);
    for (let i = 0; i < 8; i++) await labels.label(i % 2 ? 'b' : 'a');

    await s.c.labelling.train(settings, 'labels');
    await s.until('done', () => s.state()?.state === 'done');
    expect(s.state()?.step).toBe(4);
    // The run's pairs are the 6 trained labels (8, two held out), shown with source "you".
    const pairs = s.all('pairs').at(-1);
    expect(pairs?.total).toBe(6);
    expect(pairs?.preview.every((p) => p.source === 'you')).toBe(true);
    expect(
      s
        .all('metrics')
        .flatMap((e) => e.points)
        .some((p) => p.round !== undefined),
    ).toBe(false);
    // Agreement at step 0 (π_θ = π_ref: a coin), at the evaluation step 2 and at the end.
    const points = () => s.all('agreement').map((e) => e.point);
    expect(points().map((p) => p.step)).toEqual([0, 2, 4]);
    expect(points()[0]).toMatchObject({ heldOut: 0.5, heldOutN: 2 });

    // More labels, train again: the same π_θ goes on for 4 more steps on all 9 trained labels.
    for (let i = 0; i < 4; i++) await labels.label('a');
    await s.c.labelling.train(settings, 'labels');
    await s.until('done again', () => s.state()?.state === 'done' && s.state()?.step === 8);
    expect(s.all('pairs').at(-1)?.total).toBe(9);
    expect(points().map((p) => p.step)).toEqual([0, 2, 4, 4, 6, 8]);
    // The export holds every decided label (12), held-out ones included.
    await s.c.labelling.exportLabels();
    const file = s.all('export-file').at(-1);
    expect(file?.name).toBe('labels.trl.jsonl');
    const rows = new TextDecoder().decode(file?.bytes).trim().split('\n');
    expect(rows).toHaveLength(12);
    expect(Object.keys(JSON.parse(rows[0] ?? '{}'))).toEqual(['prompt', 'chosen', 'rejected']);
    s.c.reset();
  });

  it('the word-reward route trains on the labels and the pairs a word reward picked', async () => {
    const s = await controllerSession();
    s.c.reset();
    const labels = s.c.labelling.labels;
    await labels.next('ref', gen);
    for (let i = 0; i < 8; i++) await labels.label(i % 2 ? 'b' : 'a');
    await s.c.labelling.train(settings);
    await s.until('done', () => s.state()?.state === 'done');
    const view = s.all('labels').at(-1)?.wordReward;
    expect(view?.labels).toBe(6);
    // The run's pairs: the 6 trained labels and every pair the word reward picked.
    expect(s.all('pairs').at(-1)?.total).toBe(6 + (view?.pairs ?? Number.NaN));
    expect(view?.pairs).toBeGreaterThanOrEqual(0);
    s.c.reset();
  });
});
