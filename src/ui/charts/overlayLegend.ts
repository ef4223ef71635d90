/**
 * The legend of runs compared side by side: each run's settings that differ from the other
 * compared runs' (TensorBoard's hparams in one line), read from the settings schema.
 */
import type { ExperimentOptions } from '../../pipeline/experiments/experiments';
import { type DpoRunSettings, RUN_SETTINGS } from '../../pipeline/settings';
import { getAt, leavesOf } from '../../util/setting';

const LEAVES = leavesOf(RUN_SETTINGS);

/**
 * The settings a saved run ran with: a frozen-policy experiment run records the schema's lr
 * (lr 0 is outside its bounds on purpose) beside `options.frozenPolicy`, and ran at lr 0.
 */
export function ranWith(run: {
  settings: DpoRunSettings;
  options?: ExperimentOptions;
}): DpoRunSettings {
  const s = run.settings;
  return run.options?.frozenPolicy ? { ...s, optim: { ...s.optim, lr: 0 } } : s;
}

const show = (v: unknown): string =>
  typeof v === 'number' ? String(Number(v.toPrecision(4))) : String(v);

/** Per run, "label value" for each setting whose value is not the same in every run. */
export function differingSettings(settings: readonly unknown[]): string[][] {
  const differ = LEAVES.filter(({ path }) => {
    const vs = settings.map((s) => JSON.stringify(getAt(s, path)));
    return new Set(vs).size > 1;
  });
  return settings.map((s) =>
    differ.map(({ path, setting }) => `${setting.meta.label} ${show(getAt(s, path))}`),
  );
}

/** The settings a run's legend always shows when nothing differs (a single run). */
const KEY_PATHS = ['loss.type', 'loss.beta', 'optim.lr', 'rounds', 'steps', 'seed'];

export function keySettings(settings: unknown): string[] {
  return LEAVES.filter(({ path }) => KEY_PATHS.includes(path.join('.'))).map(
    ({ path, setting }) => `${setting.meta.label} ${show(getAt(settings, path))}`,
  );
}
