/**
 * The user-settable configuration of the playground as one settings tree: the model preset,
 * the run's settings (pipeline/settings.ts) and the page's options. Its type, defaults, schema,
 * share link and the migration of stored settings all derive from PLAYGROUND_SETTINGS.
 */
import { z } from 'zod';
import { PRESETS, type PresetName } from '../model/config';
import { CLOSED_FORM_ID } from '../pipeline/closedForm/problem';
import { EXPERIMENTS } from '../pipeline/experiments/experiments';
import { type DpoRunSettings, RUN_SETTINGS } from '../pipeline/settings';
import {
  defaultsOf,
  readSettings,
  type SettingProblem,
  schemaOf,
  setAt,
  setting,
  type ValueOf,
} from '../util/setting';
import { BACKEND_NAMES } from './backendNames';

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
  'experiments',
] as const;
export type PanelId = (typeof PANEL_IDS)[number];

export const MODEL_PRESETS = Object.keys(PRESETS) as [PresetName, ...PresetName[]];

/** In share-link key order: the model, the run's settings, then the page. */
export const PLAYGROUND_SETTINGS = {
  model: setting(z.enum(MODEL_PRESETS), {
    default: 'nano',
    url: 'model',
    label: 'model',
    help: 'The SFT checkpoint π_ref (and π_θ’s start); the load-time probe picks one for this machine',
  }),
  ...RUN_SETTINGS,
  ui: {
    embed: setting(z.boolean(), {
      default: false,
      url: 'embed',
      label: 'embed',
      help: 'The playground inside another page, without its chrome',
    }),
    hide: setting(z.array(z.enum(PANEL_IDS)), {
      default: [],
      url: 'hide',
      label: 'hidden panels',
      help: 'Panels hidden in embed mode',
    }),
    backend: setting(z.enum(['auto', ...BACKEND_NAMES]), {
      default: 'auto',
      url: 'backend',
      label: 'backend',
      help: 'The tfjs backend: auto chooses by what the machine is; a name forces it',
    }),
    view: setting(z.enum(['default', 'presenter']), {
      default: 'default',
      url: 'view',
      label: 'view',
      help: 'presenter: large type, charts and samples only, for a projector',
    }),
    experiment: setting(z.enum(['', ...EXPERIMENTS.map((e) => e.id), CLOSED_FORM_ID]), {
      default: '',
      url: 'experiment',
      label: 'experiment',
      help: 'The guided experiment open in the Experiments panel',
    }),
  },
} as const;

export type PlaygroundConfig = ValueOf<typeof PLAYGROUND_SETTINGS>;
export type PlaygroundUi = PlaygroundConfig['ui'];

export const DEFAULT_PLAYGROUND_CONFIG: PlaygroundConfig = defaultsOf(PLAYGROUND_SETTINGS);

/** Every field with its bounds. */
export const playgroundConfigSchema = schemaOf(PLAYGROUND_SETTINGS);

/** `cfg` with the setting at `path` ("loss.beta") set to `value` (a copy). */
export function withSetting(cfg: PlaygroundConfig, path: string, value: unknown): PlaygroundConfig {
  const next = structuredClone(cfg);
  setAt(next as unknown as Record<string, unknown>, path.split('.'), value);
  return next;
}

/** The trainer's settings: the config without the model preset and the page options (a copy). */
export function toDpoRunSettings(cfg: PlaygroundConfig): DpoRunSettings {
  return readSettings(RUN_SETTINGS, cfg).value;
}

/**
 * Run settings from any earlier version of the app (a stored run, a file): each field kept when
 * valid, defaulted when missing (settings saved before it existed) or out of bounds (reported).
 */
export function migrateRunSettings(stored: unknown): {
  settings: DpoRunSettings;
  problems: SettingProblem[];
} {
  // Runs saved before online rounds existed ran offline: one round, not today's default.
  const offline =
    typeof stored === 'object' && stored !== null && !('rounds' in stored)
      ? { ...stored, rounds: 1 }
      : stored;
  const { value, problems } = readSettings(RUN_SETTINGS, offline);
  return { settings: value, problems };
}

/** The config of a run's settings; the model preset and page options default. */
export function fromDpoRunSettings(
  settings: DpoRunSettings,
  extras: { model?: PresetName; ui?: Partial<PlaygroundUi> } = {},
): PlaygroundConfig {
  return readSettings(PLAYGROUND_SETTINGS, {
    model: extras.model,
    ...settings,
    ui: extras.ui,
  }).value;
}
