/**
 * The user-settable configuration of a run as one typed object (DpoRunSettings plus the
 * model preset and the embed options), with the bounds a shared URL is checked against.
 */
import { z } from 'zod';
import { PRESETS, type PresetName } from '../model/config';
import { LOSS_TYPES } from '../objectives/lossConfig';
import { DEFAULT_DPO_SETTINGS, type DpoRunSettings } from '../pipeline/settings';
import { BACKEND_NAMES, type BackendChoice } from '../worker/protocol';

/** Panels an embedded playground can hide. */
export const PANEL_IDS = [
  'controls',
  'charts',
  'samples',
  'inspector',
  'pairs',
  'frontier',
  'runs',
  'data',
  'labels',
] as const;
export type PanelId = (typeof PANEL_IDS)[number];

export interface PlaygroundUi {
  /** Embed mode: the playground inside another page, without its chrome. */
  embed: boolean;
  /** Panels hidden in embed mode. */
  hide: PanelId[];
  /** The tfjs backend: 'auto' chooses by what the machine is; a name forces it. */
  backend: BackendChoice;
  /** 'presenter': large type, charts and samples only, for a projector. */
  view: PageView;
}

const PAGE_VIEWS = ['default', 'presenter'] as const;
type PageView = (typeof PAGE_VIEWS)[number];

export interface PlaygroundConfig extends DpoRunSettings {
  model: PresetName;
  ui: PlaygroundUi;
}

export const MODEL_PRESETS = Object.keys(PRESETS) as PresetName[];

export const DEFAULT_PLAYGROUND_CONFIG: PlaygroundConfig = fromDpoRunSettings(
  DEFAULT_DPO_SETTINGS,
  { model: 'nano' },
);

const int = (min: number, max: number) => z.number().int().min(min).max(max);
/** z.number() already rejects NaN and ±∞. */
const temperature = z.number().gt(0).max(5);
const newTokens = int(1, 256);

/** Every field with its bounds; a decoded URL value outside them falls back to the default. */
export const playgroundConfigSchema = z.object({
  model: z.enum(MODEL_PRESETS),
  loss: z.object({
    type: z.enum(LOSS_TYPES),
    beta: z.number().gt(0).max(100),
    labelSmoothing: z.number().min(0).lt(0.5),
    rpoAlpha: z.number().min(0).max(100),
    simpoGamma: z.number().min(-100).max(100),
    reduction: z.enum(['sum', 'mean']),
  }),
  optim: z.object({
    kind: z.enum(['adam', 'rmsprop']),
    lr: z.number().gt(0).max(1),
    warmupSteps: int(0, 100_000),
    maxGradNorm: z.number().gt(0).max(1e6),
  }),
  batchSize: int(1, 256),
  steps: int(1, 100_000),
  /** 0 means unseeded. */
  seed: int(0, 2 ** 31 - 1),
  logEvery: int(1, 1000),
  rounds: int(1, 100),
  /** 0: TR-DPO off. */
  refSyncSteps: int(0, 100_000),
  refMixupAlpha: z.number().gt(0).max(1),
  data: z.object({
    prompts: int(1, 10_000),
    completionsPerPrompt: int(2, 16),
    temperature,
    maxNewTokens: newTokens,
    pairing: z.enum(['all', 'best-vs-worst']),
    labelNoise: z.number().min(0).max(0.5),
  }),
  eval: z.object({
    every: int(1, 100_000),
    prompts: int(1, 10_000),
    maxNewTokens: newTokens,
    temperature,
  }),
  ui: z.object({
    embed: z.boolean(),
    hide: z.array(z.enum(PANEL_IDS)),
    backend: z.enum(['auto', ...BACKEND_NAMES]),
    view: z.enum(PAGE_VIEWS),
  }),
});

/** The trainer's settings: the config without the model preset and the UI part (a copy). */
export function toDpoRunSettings(cfg: PlaygroundConfig): DpoRunSettings {
  return copySettings(cfg);
}

/** The config of a run's settings; the model preset and UI default to nano and no embed. */
export function fromDpoRunSettings(
  settings: DpoRunSettings,
  extras: { model?: PresetName; ui?: Partial<PlaygroundUi> } = {},
): PlaygroundConfig {
  return {
    model: extras.model ?? 'nano',
    ...copySettings(settings),
    ui: {
      embed: extras.ui?.embed ?? false,
      hide: [...(extras.ui?.hide ?? [])],
      backend: extras.ui?.backend ?? 'auto',
      view: extras.ui?.view ?? 'default',
    },
  };
}

/** Exactly the DpoRunSettings fields, nested objects copied. */
function copySettings(s: DpoRunSettings): DpoRunSettings {
  return {
    loss: { ...s.loss },
    optim: { ...s.optim },
    batchSize: s.batchSize,
    steps: s.steps,
    seed: s.seed,
    logEvery: s.logEvery,
    // Settings saved before these existed read as offline DPO without refresh or noise.
    rounds: s.rounds ?? 1,
    refSyncSteps: s.refSyncSteps ?? 0,
    refMixupAlpha: s.refMixupAlpha ?? 1,
    data: { ...s.data, labelNoise: s.data.labelNoise ?? 0 },
    eval: { ...s.eval },
  };
}
