/**
 * What the previous version of the app wrote still loads: its share links (the same keys) and
 * its stored runs' settings, which migrate field by field.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DPO_SETTINGS } from '../pipeline/settings';
import { readSavedSettings } from '../worker/persistence';
import { DEFAULT_PLAYGROUND_CONFIG, migrateRunSettings, withSetting } from './playgroundConfig';
import { CONFIG_URL_KEYS, decodeConfig, encodeConfig } from './url';

/** DEFAULT_DPO_SETTINGS as the version before the settings schema wrote it to IndexedDB. */
const PREVIOUS_DEFAULTS = {
  loss: {
    type: 'sigmoid',
    beta: 0.1,
    labelSmoothing: 0,
    rpoAlpha: 1,
    simpoGamma: 0.5,
    reduction: 'sum',
  },
  optim: { kind: 'adam', lr: 2e-4, warmupSteps: 5, maxGradNorm: 10 },
  batchSize: 8,
  steps: 60,
  seed: 1,
  logEvery: 2,
  rounds: 3,
  refSyncSteps: 0,
  refMixupAlpha: 1,
  data: {
    prompts: 64,
    completionsPerPrompt: 4,
    temperature: 1,
    maxNewTokens: 16,
    pairing: 'all',
    labelNoise: 0,
  },
  eval: { every: 20, prompts: 64, maxNewTokens: 16, temperature: 1 },
};

/** A run saved before online rounds, TR-DPO and label noise: it ran offline. */
const OLDEST = (() => {
  const { rounds: _r, refSyncSteps: _s, refMixupAlpha: _a, ...rest } = PREVIOUS_DEFAULTS;
  const { labelNoise: _n, ...data } = rest.data;
  return { ...rest, data, loss: { ...rest.loss, type: 'cdpo', labelSmoothing: 0.1 } };
})();

const record = (settings: unknown) => ({
  kind: 'dpo',
  settings,
  reference: { kind: 'url', url: '/checkpoints/sft-micro.json' },
  dataName: 'built-in',
  evalPrompts: null,
});

describe('stored settings from earlier versions', () => {
  it('the previous version’s record reads back unchanged (a DPO run)', () => {
    const saved = readSavedSettings(record(PREVIOUS_DEFAULTS));
    expect(saved?.kind === 'dpo' && saved.settings).toEqual(DEFAULT_DPO_SETTINGS);
  });

  it('a record from before online rounds reads as the offline run it was', () => {
    const { settings, problems } = migrateRunSettings(OLDEST);
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      ...DEFAULT_DPO_SETTINGS,
      rounds: 1,
      loss: { ...DEFAULT_DPO_SETTINGS.loss, type: 'cdpo', labelSmoothing: 0.1 },
    });
  });

  it('an out-of-bounds field takes its default and is reported; junk is no record', () => {
    const bad = { ...PREVIOUS_DEFAULTS, loss: { ...PREVIOUS_DEFAULTS.loss, labelSmoothing: 0.7 } };
    const { settings, problems } = migrateRunSettings(bad);
    expect(settings.loss.labelSmoothing).toBe(0);
    expect(problems.map((p) => p.path)).toEqual(['loss.labelSmoothing']);
    expect(readSavedSettings({ kind: 'dpo', settings: {} })).toBeNull();
    expect(readSavedSettings('junk')).toBeNull();
    expect(readSavedSettings({ kind: 'model', origin: 'sft' })).toEqual({
      kind: 'model',
      origin: 'sft',
    });
  });

  it("a frozen-policy experiment run keeps its option (it ran at lr 0, the schema's lr beside)", () => {
    const frozen = readSavedSettings({
      ...record(DEFAULT_DPO_SETTINGS),
      options: { frozenPolicy: true },
    });
    expect(frozen?.kind === 'dpo' && frozen.options).toEqual({ frozenPolicy: true });
    const plain = readSavedSettings(record(DEFAULT_DPO_SETTINGS));
    expect(plain?.kind === 'dpo' && 'options' in plain).toBe(false);
  });
});

describe('share links from the previous version', () => {
  it('keep every key, in the same order (new keys may only be added)', () => {
    expect(CONFIG_URL_KEYS.filter((k) => k !== 'algo')).toEqual([
      'model',
      'loss',
      'beta',
      'smooth',
      'alpha',
      'gamma',
      'reduce',
      'opt',
      'lr',
      'warmup',
      'clip',
      'batch',
      'steps',
      'seed',
      'log',
      'rounds',
      'refSync',
      'refAlpha',
      'prompts',
      'k',
      'temp',
      'tokens',
      'pairing',
      'noise',
      'evalEvery',
      'evalPrompts',
      'evalTokens',
      'evalTemp',
      'embed',
      'hide',
      'backend',
      'view',
      'experiment',
    ]);
  });

  it('decode to the same config and encode to the same link', () => {
    const link =
      'model=micro&loss=cdpo&beta=0.2&smooth=0.1&rounds=1&noise=0.3&evalTemp=0.7&embed=1&hide=runs%2Cpairs';
    const { config, warnings } = decodeConfig(link);
    expect(warnings).toEqual([]);
    let expected = DEFAULT_PLAYGROUND_CONFIG;
    for (const [path, value] of [
      ['model', 'micro'],
      ['loss.type', 'cdpo'],
      ['loss.beta', 0.2],
      ['loss.labelSmoothing', 0.1],
      ['rounds', 1],
      ['data.labelNoise', 0.3],
      ['eval.temperature', 0.7],
      ['ui.embed', true],
      ['ui.hide', ['runs', 'pairs']],
    ] as const) {
      expected = withSetting(expected, path, value);
    }
    expect(config).toEqual(expected);
    expect(encodeConfig(config)).toBe(link);
  });
});
