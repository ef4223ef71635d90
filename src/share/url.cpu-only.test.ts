import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOSS_TYPES } from '../objectives/lossConfig';
import { ALGORITHM_IDS } from '../pipeline/algorithms/registry';
import { EXPERIMENTS } from '../pipeline/experiments/experiments';
import {
  DEFAULT_PLAYGROUND_CONFIG as DEFAULTS,
  MODEL_PRESETS,
  PANEL_IDS,
  type PlaygroundConfig,
  playgroundConfigSchema,
} from './playgroundConfig';
import { applyPatch, applyPreset, CONFIG_PRESET_NAMES } from './presets';
import { CONFIG_URL_KEYS, decodeConfig, encodeConfig } from './url';

/** Half the time the default, so the property also covers the values left out of the URL. */
const orDefault = <T>(arb: fc.Arbitrary<T>, d: T) => fc.oneof(arb, fc.constant(d));
const int = (min: number, max: number, d: number) => orDefault(fc.integer({ min, max }), d);
const real = (
  min: number,
  max: number,
  d: number,
  ends: { minExcluded?: boolean; maxExcluded?: boolean } = {},
) =>
  orDefault(
    fc.double({ min, max, noNaN: true, ...ends }).map((x) => (x === 0 ? 0 : x)), // −0 → 0
    d,
  );
const one = <T>(values: readonly T[], d: T) => orDefault(fc.constantFrom(...values), d);

const D = DEFAULTS;
const validConfig: fc.Arbitrary<PlaygroundConfig> = fc.record({
  model: one(MODEL_PRESETS, D.model),
  algorithm: one(ALGORITHM_IDS, D.algorithm),
  loss: fc.record({
    type: one(LOSS_TYPES, D.loss.type),
    beta: real(0, 100, D.loss.beta, { minExcluded: true }),
    labelSmoothing: real(0, 0.5, D.loss.labelSmoothing, { maxExcluded: true }),
    rpoAlpha: real(0, 100, D.loss.rpoAlpha),
    simpoGamma: real(-100, 100, D.loss.simpoGamma),
    reduction: one(['sum', 'mean'] as const, D.loss.reduction),
  }),
  optim: fc.record({
    kind: one(['adam', 'rmsprop'] as const, D.optim.kind),
    lr: real(0, 1, D.optim.lr, { minExcluded: true }),
    warmupSteps: int(0, 100_000, D.optim.warmupSteps),
    maxGradNorm: real(0, 1e6, D.optim.maxGradNorm, { minExcluded: true }),
  }),
  batchSize: int(1, 256, D.batchSize),
  steps: int(1, 100_000, D.steps),
  seed: int(0, 2 ** 31 - 1, D.seed),
  logEvery: int(1, 1000, D.logEvery),
  rounds: int(1, 100, D.rounds),
  refSyncSteps: int(0, 100_000, D.refSyncSteps),
  refMixupAlpha: real(0, 1, D.refMixupAlpha, { minExcluded: true }),
  data: fc.record({
    prompts: int(1, 10_000, D.data.prompts),
    completionsPerPrompt: int(2, 16, D.data.completionsPerPrompt),
    temperature: real(0, 5, D.data.temperature, { minExcluded: true }),
    maxNewTokens: int(1, 256, D.data.maxNewTokens),
    pairing: one(['all', 'best-vs-worst'] as const, D.data.pairing),
    labelNoise: real(0, 0.5, D.data.labelNoise),
  }),
  eval: fc.record({
    every: int(1, 100_000, D.eval.every),
    prompts: int(1, 10_000, D.eval.prompts),
    maxNewTokens: int(1, 256, D.eval.maxNewTokens),
    temperature: real(0, 5, D.eval.temperature, { minExcluded: true }),
  }),
  ui: fc.record({
    embed: fc.boolean(),
    hide: fc.shuffledSubarray([...PANEL_IDS]),
    backend: one(['webgpu', 'wasm', 'webgl', 'cpu'] as const, D.ui.backend),
    experiment: one(
      EXPERIMENTS.map((e) => e.id),
      D.ui.experiment,
    ),
    view: one(['presenter'] as const, D.ui.view),
  }),
});

describe('encodeConfig / decodeConfig', () => {
  it('encodes the defaults as the empty string and decodes it back', () => {
    expect(encodeConfig(DEFAULTS)).toBe('');
    expect(decodeConfig('')).toEqual({ config: DEFAULTS, warnings: [] });
  });

  it('pins the encoding of each preset', () => {
    const encoded = Object.fromEntries(
      CONFIG_PRESET_NAMES.map((name) => [name, encodeConfig(applyPreset(name))]),
    );
    expect(encoded).toEqual({
      classroom: '',
      gentle: 'beta=0.5&lr=0.00025&steps=120',
      fast: 'lr=0.002',
      ipo: 'loss=ipo&reduce=mean',
      'high-beta': 'beta=1',
      'low-beta': 'beta=0.01',
      'best-vs-worst': 'pairing=best-vs-worst',
      cdpo: 'loss=cdpo&smooth=0.1',
      offline: 'rounds=1',
      'label-noise': 'noise=0.3',
      'label-noise-cdpo': 'loss=cdpo&smooth=0.3&noise=0.3',
      'tr-dpo': 'refSync=25&refAlpha=0.5',
      simpo: 'loss=simpo&beta=2&gamma=1',
    });
    for (const name of CONFIG_PRESET_NAMES) {
      expect(decodeConfig(encoded[name] ?? '')).toEqual({
        config: applyPreset(name),
        warnings: [],
      });
    }
  });

  it('writes a known config in the fixed key order, whatever order it was built in', () => {
    const cfg = applyPatch({
      ui: { hide: ['charts', 'pairs'], embed: true },
      steps: 300,
      optim: { lr: 1e-3 },
      loss: { labelSmoothing: 0.2, type: 'robust', beta: 0.01 },
      model: 'micro',
      eval: { temperature: 0.7 },
    });
    const search =
      'model=micro&loss=robust&beta=0.01&smooth=0.2&lr=0.001&steps=300&evalTemp=0.7' +
      '&embed=1&hide=charts%2Cpairs';
    expect(encodeConfig(cfg)).toBe(search);
    expect(decodeConfig(`?${search}`)).toEqual({ config: cfg, warnings: [] });
    expect(CONFIG_URL_KEYS).toHaveLength(34);
    // A guided experiment travels in the link too (issue 24).
    const linked = applyPatch({ ui: { experiment: 'beta-direction' } });
    expect(encodeConfig(linked)).toBe('experiment=beta-direction');
    expect(decodeConfig('?experiment=no-such').warnings).toHaveLength(1);
    expect(decodeConfig('?experiment=closed-form').config.ui.experiment).toBe('closed-form');
    const ppo = applyPatch({ algorithm: 'ppo-gt', model: 'micro' });
    expect(encodeConfig(ppo)).toBe('model=micro&algo=ppo-gt');
  });

  it('forces a backend with backend=, after every other key; auto is the default', () => {
    const cfg = applyPatch({ ui: { backend: 'webgpu' }, steps: 20 });
    expect(encodeConfig(cfg)).toBe('steps=20&backend=webgpu');
    expect(decodeConfig('backend=wasm')).toEqual({
      config: applyPatch({ ui: { backend: 'wasm' } }),
      warnings: [],
    });
    expect(encodeConfig(applyPatch({ ui: { backend: 'auto' } }))).toBe('');
  });

  it('round-trips any valid config exactly (300 random configs)', () => {
    fc.assert(
      fc.property(validConfig, (cfg) => {
        expect(playgroundConfigSchema.safeParse(cfg).success).toBe(true);
        const search = encodeConfig(cfg);
        const { config, warnings } = decodeConfig(search);
        expect(warnings).toEqual([]);
        expect(config).toEqual(cfg);
        expect(encodeConfig(config)).toBe(search);
        // Only values that differ from the defaults are written.
        for (const [key, value] of new URLSearchParams(search)) {
          expect(decodeConfig(`${key}=${encodeURIComponent(value)}`).config).not.toEqual(DEFAULTS);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads a "+" that a URL turned into a space, and a leading "?"', () => {
    expect(decodeConfig('?lr=1e+0&beta=2.5e-1').config.optim.lr).toBe(1);
    expect(decodeConfig('lr=1e%2B0&beta=2.5e-1').config.loss.beta).toBe(0.25);
  });
});

describe('decodeConfig on bad input', () => {
  const cases: [string, string][] = [
    ['beta=-1', 'beta'],
    ['beta=0', 'beta'],
    ['beta=100.5', 'beta'],
    ['beta=', 'beta'],
    ['beta=Infinity', 'beta'],
    ['beta=NaN', 'beta'],
    ['steps=abc', 'steps'],
    ['steps=1.5', 'steps'],
    ['steps=0', 'steps'],
    ['steps=100001', 'steps'],
    ['lr=1e9', 'lr'],
    ['lr=0', 'lr'],
    ['lr=0x10', 'lr'],
    ['model=huge', 'model'],
    ['loss=ppo', 'loss'],
    ['smooth=0.5', 'smooth'],
    ['opt=sgd', 'opt'],
    ['batch=257', 'batch'],
    ['seed=-1', 'seed'],
    ['k=1', 'k'],
    ['k=17', 'k'],
    ['temp=0', 'temp'],
    ['temp=5.5', 'temp'],
    ['prompts=10001', 'prompts'],
    ['pairing=random', 'pairing'],
    ['embed=yes', 'embed'],
    ['hide=charts%2Csidebar', 'hide'],
    ['backend=metal', 'backend'],
  ];

  it.each(cases)('%s keeps the default and warns about %s', (search, key) => {
    const { config, warnings } = decodeConfig(search);
    expect(config).toEqual(DEFAULTS);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.key).toBe(key);
    expect(warnings[0]?.message).toMatch(
      new RegExp(`^${key}=.* is not valid \\(.+\\); using the default`),
    );
  });

  it('says what was wrong and which default it used', () => {
    expect(decodeConfig('beta=-1').warnings).toEqual([
      {
        key: 'beta',
        message: 'beta=-1 is not valid (must be > 0); using the default 0.1',
      },
    ]);
    expect(decodeConfig('model=huge').warnings[0]?.message).toBe(
      'model=huge is not valid (Invalid option: expected one of "nano"|"micro"|"mini"|"small"); ' +
        'using the default nano',
    );
  });

  it('keeps the good values next to the bad ones', () => {
    const { config, warnings } = decodeConfig('beta=-1&steps=200&foo=1&lr=1e9&k=8');
    expect(config).toEqual(applyPatch({ steps: 200, data: { completionsPerPrompt: 8 } }));
    expect(warnings.map((w) => w.key)).toEqual(['beta', 'foo', 'lr']);
    expect(warnings[1]?.message).toBe('unknown setting "foo" ignored');
  });

  it('takes the last of a repeated key, and the default when that one is bad', () => {
    expect(decodeConfig('steps=10&steps=20').config.steps).toBe(20);
    const twice = decodeConfig('steps=10&steps=abc');
    expect(twice.config.steps).toBe(60);
    expect(twice.warnings.map((w) => w.message)).toEqual([
      'steps is given twice; the last one counts',
      'steps=abc is not valid (Invalid input: expected number, received NaN); using the default 60',
    ]);
  });

  it('never throws, and returns configs that do not share the defaults', () => {
    fc.assert(
      fc.property(fc.string(), (search) => {
        const { config } = decodeConfig(search);
        expect(playgroundConfigSchema.safeParse(config).success).toBe(true);
      }),
      { numRuns: 200 },
    );
    decodeConfig('hide=nope').config.ui.hide.push('charts');
    expect(DEFAULTS.ui.hide).toEqual([]);
  });
});
