/**
 * Every choice the run controls offer changes what is computed: each objective, and each
 * hyperparameter the controls show for it, changes the loss; the hyperparameters they hide for
 * an objective leave its loss unchanged. The settings go the controls' way: a path and a value
 * into the config (withSetting), then the trainer's settings (toDpoRunSettings), then the loss.
 */
import * as tf from '@tensorflow/tfjs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SequenceLogps } from '../objectives/logprobs';
import { LOSS_PARAMS, LOSS_TYPES, lossParamsOf } from '../objectives/lossConfig';
import { type PreferenceLogps, preferenceLoss } from '../objectives/losses';
import {
  DEFAULT_PLAYGROUND_CONFIG,
  type PlaygroundConfig,
  toDpoRunSettings,
  withSetting,
} from '../share/playgroundConfig';
import { enumOptions, type Setting } from '../util/setting';
import { RunControls } from './RunControls';

const seq = (sum: number[], count: number[]): SequenceLogps => ({
  sum: tf.tensor1d(sum),
  count: tf.tensor1d(count),
});
/** Two pairs of per-sequence log-probs (h = 2 and −3, as in losses.test.ts). */
const inputs = (): PreferenceLogps => ({
  policyChosen: seq([-10, -20], [4, 5]),
  policyRejected: seq([-12, -9], [2, 3]),
  refChosen: seq([-11, -18], [4, 5]),
  refRejected: seq([-11, -10], [2, 3]),
});

/** The batch loss of the config's objective. */
function lossOf(cfg: PlaygroundConfig): number {
  return tf.tidy(() => {
    const { losses } = preferenceLoss(inputs(), toDpoRunSettings(cfg).loss);
    return losses.mean().dataSync()[0] as number;
  });
}

/**
 * A valid value other than the default, as a user might pick it: another option of an enum,
 * else the default moved by a few of its steps (down when up leaves the bounds).
 */
function other(s: Setting): unknown {
  const options = enumOptions(s);
  if (options) return options.find((o) => o !== s.meta.default);
  const d = s.meta.default as number;
  const by = 4 * (s.meta.step ?? 0.1);
  return s.schema.safeParse(d + by).success ? d + by : d - by;
}

/** The run controls' markup for `config`, before a run. */
const controls = (config: PlaygroundConfig) =>
  renderToStaticMarkup(
    createElement(RunControls, {
      config,
      onSetting: () => undefined,
      onPreset: () => undefined,
      imported: false,
      run: 'empty',
      step: 0,
      steps: 60,
      progress: null,
      canRun: true,
      onStart: () => undefined,
      onPause: () => undefined,
      onStep: () => undefined,
      onReset: () => undefined,
    }),
  );

const choose = (type: string) => withSetting(DEFAULT_PLAYGROUND_CONFIG, 'loss.type', type);

describe('the objective picker', () => {
  it('cDPO and robust DPO with ε > 0 differ from DPO (the fields now reach the loss)', () => {
    const dpo = lossOf(choose('sigmoid'));
    for (const type of ['cdpo', 'robust']) {
      const cfg = withSetting(choose(type), 'loss.labelSmoothing', 0.2);
      expect(Math.abs(lossOf(cfg) - dpo)).toBeGreaterThan(1e-3);
    }
  });

  it('every objective computes a loss of its own', () => {
    const losses = LOSS_TYPES.map((t) =>
      lossOf(withSetting(choose(t), 'loss.labelSmoothing', 0.2)),
    );
    const distinct = new Set(losses.map((l) => l.toFixed(6)));
    expect(distinct.size).toBe(LOSS_TYPES.length);
  });

  for (const type of LOSS_TYPES) {
    it(`${type}: each hyperparameter shown changes the loss, each one hidden does not`, () => {
      const base = choose(type);
      const before = lossOf(base);
      const shown = lossParamsOf(type);
      for (const key of Object.keys(LOSS_PARAMS) as (keyof typeof LOSS_PARAMS)[]) {
        const after = lossOf(withSetting(base, `loss.${key}`, other(LOSS_PARAMS[key])));
        if (shown.includes(key)) expect(Math.abs(after - before), key).toBeGreaterThan(1e-4);
        else expect(after, key).toBe(before);
      }
    });

    it(`${type}: the controls show exactly β and the objective's hyperparameters`, () => {
      const html = controls(choose(type));
      expect(html).toContain('data-testid="setting-beta"');
      for (const [key, param] of Object.entries(LOSS_PARAMS)) {
        const id = `data-testid="setting-${param.meta.url}"`;
        if ((lossParamsOf(type) as string[]).includes(key)) expect(html, key).toContain(id);
        else expect(html, key).not.toContain(id);
      }
    });
  }
});

describe('the algorithm picker', () => {
  const algo = (id: string) => withSetting(DEFAULT_PLAYGROUND_CONFIG, 'algorithm', id);
  const shows = (html: string, url: string) => html.includes(`data-testid="setting-${url}"`);

  it('DPO shows its objective, rounds and TR-DPO; a baseline shows only what it reads', () => {
    const dpo = controls(algo('dpo'));
    for (const url of ['loss', 'beta', 'rounds', 'refSync', 'batch', 'noise', 'opt']) {
      expect(shows(dpo, url), url).toBe(true);
    }
    const ft = controls(algo('preferred-ft'));
    for (const url of ['loss', 'beta', 'rounds', 'refSync', 'opt'])
      expect(shows(ft, url), url).toBe(false);
    for (const url of ['lr', 'steps', 'batch', 'noise', 'k'])
      expect(shows(ft, url), url).toBe(true);
    const ppoGt = controls(algo('ppo-gt'));
    for (const url of ['batch', 'noise', 'loss']) expect(shows(ppoGt, url), url).toBe(false);
    expect(shows(controls(algo('ppo')), 'noise')).toBe(true); // its reward model reads the labels
  });

  it('Best-of-N and SFT say why nothing trains, and Train is off', () => {
    for (const id of ['best-of-n', 'sft']) {
      const html = controls(algo(id));
      expect(html).toContain('data-testid="algorithm-note"');
      expect(html).toMatch(/data-testid="run-start"[^>]*disabled=""/);
    }
    expect(controls(algo('dpo'))).not.toContain('algorithm-note');
  });
});
