import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTrainerState, readRun } from './trainerState';

/** Written by the interop test's real TRL 1.13 run (npm run fixtures:trainer-state). */
const FIXTURE = readFileSync('e2e/fixtures/trainer_state.json', 'utf8');

const row = (step: number, loss: number, chosen: number, rejected: number, acc = 0.5) => ({
  step,
  epoch: step / 10,
  loss,
  'rewards/chosen': chosen,
  'rewards/rejected': rejected,
  'rewards/margins': chosen - rejected,
  'rewards/accuracies': acc,
  'logps/chosen': -40 + chosen * 10,
  'logps/rejected': -40 + rejected * 10,
  grad_norm: 1,
  learning_rate: 5e-7,
});
const state = (log_history: unknown[]) => JSON.stringify({ global_step: 40, log_history });

describe('parseTrainerState', () => {
  it('reads the real TRL run: train rows, eval rows, the summary row left out', () => {
    const r = parseTrainerState(FIXTURE);
    if (!r.ok) throw new Error(r.error);
    const raw = JSON.parse(FIXTURE).log_history as Record<string, number>[];
    expect(r.run.trainRows).toBe(raw.filter((x) => 'loss' in x).length);
    expect(r.run.evalRows).toBe(raw.filter((x) => 'eval_loss' in x).length);
    expect(r.run.trainRows).toBe(2);
    expect(r.run.evalRows).toBeGreaterThanOrEqual(2);
    expect(r.run.globalStep).toBe(2);
    // The summary row (train_loss, train_runtime) is not a point.
    expect(r.run.points).toHaveLength(r.run.trainRows + r.run.evalRows);
    const first = raw[0] ?? {};
    expect(r.run.points[0]?.['rewards/margins']).toBe(first['rewards/margins']);
    expect(r.run.points.some((p) => typeof p['eval_rewards/margins'] === 'number')).toBe(true);
    // Its pairs separate at once: accuracy 1 from step 1, margins growing.
    expect(r.run.reading.some((s) => s.startsWith('Accuracy reached 1 at step 1'))).toBe(true);
    // rewards/chosen 0.17835 → 0.17774: a dip under the flat threshold, not a fall.
    expect(r.run.reading.some((s) => s.startsWith('Margins grew (3.43 → 4.34) and'))).toBe(true);
  });

  it('refuses what is not a trainer_state.json, with the reason', () => {
    expect(parseTrainerState('{')).toMatchObject({ ok: false });
    const noHistory = parseTrainerState('{"global_step": 3}');
    expect(noHistory.ok || noHistory.error).toMatch(/log_history/);
    const badStep = parseTrainerState(state([{ step: 'one', loss: 0.6 }]));
    expect(badStep.ok || badStep.error).toMatch(/log_history\.0\.step/);
    const sftOnly = parseTrainerState(state([{ step: 1, train_loss: 2.3 }]));
    expect(sftOnly.ok || sftOnly.error).toMatch(/no train or eval rows/);
  });

  it('ignores non-numeric and non-finite values and sorts by step', () => {
    const r = parseTrainerState(
      state([{ ...row(20, 0.5, -0.1, -0.5), grad_norm: 'nan', note: null }, row(10, 0.6, 0, -0.2)]),
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.run.points.map((p) => p.step)).toEqual([10, 20]);
    expect(r.run.points[1]?.grad_norm).toBeUndefined();
  });
});

describe('readRun', () => {
  const points = (rows: ReturnType<typeof row>[]) => {
    const r = parseTrainerState(state(rows));
    if (!r.ok) throw new Error(r.error);
    return r.run.points;
  };

  it('says margins growing while chosen rewards fall is normal', () => {
    const lines = readRun(
      points([row(10, 0.69, 0, -0.01), row(20, 0.5, -0.2, -0.9), row(30, 0.4, -0.4, -1.6)]),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'Margins grew (0.0100 → 1.20) while rewards/chosen fell below zero (0.00 → -0.400)',
    );
    expect(lines[0]).toContain('not a broken model');
  });

  it('flags a loss stuck at ln 2 and saturated accuracy', () => {
    const flat = readRun(points([row(10, 0.6934, 0, 0), row(20, 0.6929, 0.001, 0.0005)]));
    expect(flat[0]).toMatch(/^Training loss ends near ln 2 ≈ 0.693 \(0.693\)/);
    const sat = readRun(
      points([row(10, 0.6, 0.1, -0.1, 0.75), row(20, 0.2, 0.1, -2, 1), row(30, 0.1, 0.1, -3, 1)]),
    );
    expect(
      sat.some((s) =>
        s.startsWith(
          'Accuracy reached 1 at step 20: every pair of the batch is ranked right, so it cannot show further progress',
        ),
      ),
    ).toBe(true);
    expect(sat.join(' ')).toContain('the pairs are too easy');
    expect(sat.some((s) => s.includes('did not fall'))).toBe(true);
    // A fall that stays above zero is told apart, with digits enough to show it.
    const above = readRun(points([row(10, 0.6, 0.2, 0), row(20, 0.5, 0.195, -0.6)]));
    expect(above[0]).toContain('rewards/chosen fell (0.200 → 0.195) but stayed above zero');
  });

  /** ln 2 as TRL logs it, to 4 digits. */
  const TRL_LN2 = Number(Math.LN2.toFixed(4));
  /** A real TRL run whose tokenizer produced no completion ids (issue 24's report). */
  const noIds = (step: number) => ({
    step,
    loss: TRL_LN2,
    'rewards/chosen': 0,
    'rewards/rejected': 0,
    'rewards/margins': 0,
    'rewards/accuracies': 0,
    'logps/chosen': 0,
    'logps/rejected': 0,
    grad_norm: 0,
    learning_rate: 5e-7,
    num_tokens: 16 * step,
  });

  it('names an empty completion mask when log-probs are exactly 0 with no gradient', () => {
    const r = parseTrainerState(state([noIds(1), noIds(2), noIds(3)]));
    if (!r.ok) throw new Error(r.error);
    expect(r.run.reading).toHaveLength(1);
    const [line] = r.run.reading;
    expect(line).toMatch(/^Nothing was scored/);
    expect(line).toContain('logps/chosen and logps/rejected are exactly 0 and the gradient is 0');
    expect(line).toContain('16.0 tokens per step');
    expect(line).toContain('the completion mask is empty');
    expect(line).toMatch(/tokenisation/);
    expect(line).toMatch(/truncation/);
  });

  it('tells a zero learning rate, frozen parameters and ties apart', () => {
    const stuck = (over: Record<string, number>) =>
      readRun(points([1, 2, 3].map((s) => ({ ...row(s, TRL_LN2, 0, 0, 0), ...over }))));
    expect(stuck({ learning_rate: 0 })[0]).toMatch(/^The learning rate is 0/);
    expect(stuck({ grad_norm: 0 })[0]).toMatch(/not being trained \(frozen/);
    expect(stuck({})[0]).toMatch(/same text \(ties/);
  });

  it('reads an accuracy of only 0 or 1 as a batch of one pair', () => {
    const lines = readRun(
      points([0, 1, 0, 1, 1].map((a, i) => row(i + 1, 0.6 - i * 0.01, 0.1 * i, -0.1 * i, a))),
    );
    expect(lines.some((s) => s.startsWith('Accuracy reads only 0 or 1'))).toBe(true);
  });
});
