/**
 * The legend of runs compared side by side: each run's settings that differ from the other
 * compared runs' (TensorBoard's hparams in one line), read from the settings schema.
 */
import { RUN_SETTINGS } from '../../pipeline/settings';
import { getAt, leavesOf } from '../../util/setting';

const LEAVES = leavesOf(RUN_SETTINGS);

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
