import { describe, expect, it } from 'vitest';
import { DEFAULT_DPO_SETTINGS } from '../pipeline/settings';
import {
  DEFAULT_PLAYGROUND_CONFIG,
  fromDpoRunSettings,
  MODEL_PRESETS,
  playgroundConfigSchema,
  toDpoRunSettings,
} from './playgroundConfig';
import { applyPatch, applyPreset, CONFIG_PRESET_NAMES, CONFIG_PRESETS } from './presets';

describe('PlaygroundConfig', () => {
  it('defaults to DEFAULT_DPO_SETTINGS on the nano model, not embedded', () => {
    expect(DEFAULT_PLAYGROUND_CONFIG).toEqual({
      ...DEFAULT_DPO_SETTINGS,
      model: 'nano',
      ui: { embed: false, hide: [], backend: 'auto', view: 'default', experiment: '' },
    });
    expect(playgroundConfigSchema.safeParse(DEFAULT_PLAYGROUND_CONFIG).success).toBe(true);
  });

  it('lists every model preset', () => {
    expect(MODEL_PRESETS).toEqual(['nano', 'micro', 'mini', 'small']);
  });

  it('converts to and from DpoRunSettings without sharing objects', () => {
    const cfg = applyPatch({
      model: 'mini',
      loss: { type: 'rpo', rpoAlpha: 0.5 },
      ui: { embed: true, hide: ['runs'] },
    });
    const settings = toDpoRunSettings(cfg);
    expect(Object.keys(settings).sort()).toEqual(Object.keys(DEFAULT_DPO_SETTINGS).sort());
    expect(settings.loss).toEqual({ ...DEFAULT_DPO_SETTINGS.loss, type: 'rpo', rpoAlpha: 0.5 });
    settings.loss.beta = 7;
    expect(cfg.loss.beta).toBe(0.1);
    expect(fromDpoRunSettings(settings, { model: 'mini', ui: cfg.ui })).toEqual({
      ...cfg,
      loss: { ...cfg.loss, beta: 7 },
    });
    expect(fromDpoRunSettings(DEFAULT_DPO_SETTINGS)).toEqual(DEFAULT_PLAYGROUND_CONFIG);
  });

  it('bounds β, the label smoothing and the steps', () => {
    const check = (patch: Parameters<typeof applyPatch>[0]) =>
      playgroundConfigSchema.safeParse(applyPatch(patch)).success;
    expect(check({ loss: { beta: 100 } })).toBe(true);
    expect(check({ loss: { beta: 100.5 } })).toBe(false);
    expect(check({ loss: { beta: 0 } })).toBe(false);
    expect(check({ loss: { labelSmoothing: 0.5 } })).toBe(false);
    expect(check({ steps: 100_000 })).toBe(true);
    expect(check({ steps: 100_001 })).toBe(false);
    expect(check({ optim: { lr: Number.NaN } })).toBe(false);
  });
});

describe('CONFIG_PRESETS', () => {
  it('are valid configs, each described in one sentence', () => {
    expect(CONFIG_PRESET_NAMES).toEqual(
      expect.arrayContaining([
        'classroom',
        'gentle',
        'ipo',
        'high-beta',
        'low-beta',
        'best-vs-worst',
      ]),
    );
    for (const name of CONFIG_PRESET_NAMES) {
      expect(playgroundConfigSchema.safeParse(applyPreset(name)).success).toBe(true);
      expect(CONFIG_PRESETS[name].description).toMatch(/^[A-Zβ].*[^.]\.$/);
      expect(CONFIG_PRESETS[name].description).not.toMatch(/\. [A-Z]/);
    }
    expect(applyPreset('classroom')).toEqual(DEFAULT_PLAYGROUND_CONFIG);
    expect(applyPreset('high-beta').loss.beta).toBe(1);
    expect(applyPreset('low-beta').loss.beta).toBe(0.01);
  });

  it('patch a base without modifying it', () => {
    const base = applyPatch({ steps: 300, loss: { beta: 0.2 } });
    const ipo = applyPreset('ipo', base);
    expect(ipo.loss).toEqual({ ...base.loss, type: 'ipo', reduction: 'mean' });
    expect(ipo.steps).toBe(300);
    expect(base.loss.type).toBe('sigmoid');
    expect(DEFAULT_PLAYGROUND_CONFIG.loss.type).toBe('sigmoid');
  });
});
