import { beforeEach, describe, expect, it } from 'vitest';
import { controllerSession, SMALL_RUN } from '../test/controllerSession';
import { freshIndexedDB } from '../test/storageFixtures';

beforeEach(() => freshIndexedDB());

describe('RunController', () => {
  it('sends the Saved runs table the live step when a checkpoint lands mid-run, and on pause', async () => {
    const s = await controllerSession();
    const row = () =>
      s
        .all('runs')
        .at(-1)
        ?.runs.find((r) => r.id === s.runId);
    // Prepared: the run is listed at step 0 without anyone asking.
    await s.until('the new run listed', () => row()?.step === 0);
    expect(row()?.status).toBe('paused');

    s.c.session.start();
    // The every-20-steps checkpoint, taken while training goes on.
    await s.until('the checkpoint at 20', () => row()?.lastCheckpointStep === 20);
    expect(row()).toMatchObject({ status: 'running', step: 20, lastCheckpointStep: 20 });
    expect(s.c.session.state).toBe('training');

    s.c.session.pause();
    await s.until('paused', () => s.state()?.state === 'paused');
    const paused = s.state()?.step ?? -1;
    expect(paused).toBeGreaterThanOrEqual(20);
    await s.until('the paused row', () => row()?.status === 'paused');
    expect(row()).toMatchObject({ step: paused, lastCheckpointStep: paused });
    s.c.reset();
  });

  it('a resumed run reports its own β and objective, not the ones it is resumed with', async () => {
    const settings = { ...SMALL_RUN, loss: { ...SMALL_RUN.loss, type: 'ipo' as const, beta: 0.3 } };
    const s = await controllerSession(settings);
    expect(s.state()?.facts).toEqual({ lossType: 'ipo', beta: 0.3 });
    await s.pauseAfter(1);
    s.c.reset();
    expect(s.state()).toMatchObject({ state: 'empty', facts: null });

    await s.c.session.resume(s.runId);
    expect(s.state()).toMatchObject({
      state: 'paused',
      runId: s.runId,
      facts: { lossType: 'ipo', beta: 0.3 },
    });
    // β changed mid-run: the new value is the run's fact from then on.
    s.c.session.update({ ...settings, loss: { ...settings.loss, beta: 0.05 } });
    expect(s.state()?.facts).toEqual({ lossType: 'ipo', beta: 0.05 });
    s.c.reset();
  });

  it('moves exported bytes to the UI thread in the transfer list', async () => {
    const s = await controllerSession();
    await s.c.exportFile('dataset-trl');
    const file = s.all('export-file').at(-1);
    if (!file) throw new Error('no export');
    expect(file.bytes.byteLength).toBeGreaterThan(0);
    expect(s.transfers.get(file)).toEqual([file.bytes]);
    s.c.reset();
  });

  it('refuses a second job while one runs, and says what to do', async () => {
    const s = await controllerSession();
    s.c.session.start();
    expect(s.c.busy()).toBe(true);
    await expect(s.c.session.prepare(SMALL_RUN)).rejects.toThrow('pause or reset the current run');
    await expect(s.c.loadCheckpoint('/x.json')).rejects.toThrow('pause or reset the current run');
    s.c.session.pause();
    expect(s.c.session.state).toBe('pausing');
    expect(s.c.busy()).toBe(true);
    await s.until('paused', () => s.state()?.state === 'paused');
    expect(s.c.busy()).toBe(false);
    s.c.reset();
  });
});
