import { describe, expect, it } from 'vitest';
import { canReset, isBusy, RUN_STATES, type RunEvent, type RunState, transition } from './runState';

/** Applies events in order; null as soon as one is refused. */
function walk(from: RunState, events: RunEvent[]): RunState | null {
  let s: RunState | null = from;
  for (const e of events) {
    if (!s) return null;
    s = transition(s, e);
  }
  return s;
}

describe('the run state machine', () => {
  it('walks a run from a loaded model to done', () => {
    expect(walk('empty', [{ type: 'load' }])).toBe('loading-checkpoint');
    expect(walk('empty', [{ type: 'load' }, { type: 'loaded' }])).toBe('empty');
    const run: RunEvent[] = [
      { type: 'prepare' },
      { type: 'prepared', resumed: false, done: false },
    ];
    expect(walk('empty', run)).toBe('ready');
    expect(walk('empty', [...run, { type: 'start' }])).toBe('training');
    expect(walk('empty', [...run, { type: 'start' }, { type: 'pause' }])).toBe('pausing');
    expect(
      walk('empty', [
        ...run,
        { type: 'start' },
        { type: 'pause' },
        { type: 'stopped', done: false },
      ]),
    ).toBe('paused');
    expect(walk('empty', [...run, { type: 'start' }, { type: 'stopped', done: true }])).toBe(
      'done',
    );
    expect(walk('empty', [...run, { type: 'step' }])).toBe('stepping');
    expect(walk('empty', [...run, { type: 'step' }, { type: 'stopped', done: false }])).toBe(
      'paused',
    );
  });

  it('a resumed run comes back paused, or done when it had finished', () => {
    expect(transition('preparing', { type: 'prepared', resumed: true, done: false })).toBe(
      'paused',
    );
    expect(transition('preparing', { type: 'prepared', resumed: true, done: true })).toBe('done');
    expect(transition('preparing', { type: 'prepare-failed' })).toBe('empty');
  });

  it('Train during a pause still in flight keeps the same loop training', () => {
    expect(transition('pausing', { type: 'start' })).toBe('training');
    expect(transition('pausing', { type: 'step' })).toBeNull();
  });

  it('refuses what would start a second job', () => {
    for (const busy of ['training', 'pausing', 'stepping', 'sft', 'preparing'] as const) {
      expect(transition(busy, { type: 'prepare' }), busy).toBeNull();
      expect(transition(busy, { type: 'sft' }), busy).toBeNull();
      expect(transition(busy, { type: 'load' }), busy).toBeNull();
      expect(transition(busy, { type: 'step' }), busy).toBeNull();
    }
    expect(transition('training', { type: 'start' })).toBeNull();
    expect(transition('done', { type: 'start' })).toBeNull();
    expect(transition('done', { type: 'step' })).toBeNull();
    expect(transition('paused', { type: 'pause' })).toBeNull();
    expect(transition('ready', { type: 'stopped', done: false })).toBeNull();
  });

  it('a fault during a step goes back to paused; outside a step it is refused', () => {
    expect(transition('training', { type: 'fault' })).toBe('paused');
    expect(transition('stepping', { type: 'fault' })).toBe('paused');
    expect(transition('pausing', { type: 'fault' })).toBe('paused');
    expect(transition('paused', { type: 'fault' })).toBeNull();
  });

  it('a lost device recovers into empty, paused or done, once at a time', () => {
    expect(transition('training', { type: 'device-lost' })).toBe('recovering');
    expect(transition('empty', { type: 'device-lost' })).toBe('recovering');
    expect(transition('recovering', { type: 'device-lost' })).toBeNull();
    expect(transition('recovering', { type: 'recovered', run: 'none' })).toBe('empty');
    expect(transition('recovering', { type: 'recovered', run: 'paused' })).toBe('paused');
    expect(transition('recovering', { type: 'recovered', run: 'done' })).toBe('done');
    // What was in flight when the device went cannot end the recovery.
    expect(transition('recovering', { type: 'loaded' })).toBeNull();
    expect(transition('recovering', { type: 'stopped', done: false })).toBeNull();
    expect(transition('recovering', { type: 'start' })).toBeNull();
  });

  it('reset drops a run mid-training but never mid-load, mid-SFT or mid-recovery', () => {
    expect(transition('training', { type: 'reset' })).toBe('empty');
    expect(transition('paused', { type: 'reset' })).toBe('empty');
    expect(transition('sft', { type: 'reset' })).toBeNull();
    expect(transition('preparing', { type: 'reset' })).toBeNull();
    expect(transition('recovering', { type: 'reset' })).toBeNull();
  });

  it('busy is exactly the states in which nothing else may start', () => {
    const busy = RUN_STATES.filter(isBusy);
    expect(busy).toEqual([
      'loading-checkpoint',
      'sft',
      'preparing',
      'training',
      'pausing',
      'stepping',
      'recovering',
    ]);
    // Not busy ⇔ a new run may be prepared.
    for (const s of RUN_STATES) {
      expect(transition(s, { type: 'prepare' }) !== null, s).toBe(!isBusy(s));
    }
    expect(RUN_STATES.filter(canReset)).toEqual([
      'empty',
      'ready',
      'training',
      'pausing',
      'paused',
      'done',
    ]);
  });
});
