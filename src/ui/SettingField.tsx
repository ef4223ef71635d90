import { useEffect, useState } from 'react';
import { PLAYGROUND_SETTINGS, type PlaygroundConfig } from '../share/playgroundConfig';
import {
  enumOptions,
  getAt,
  leavesOf,
  numberBounds,
  type Setting,
  type SettingLeaf,
} from '../util/setting';

/** A setting's place in the playground's tree, as "loss.beta". */
export type SettingPath = string;

const LEAVES = new Map<SettingPath, SettingLeaf>(
  leavesOf(PLAYGROUND_SETTINGS).map((l) => [l.path.join('.'), l]),
);

/** The declaration at `path`; a path that is not a setting is a programming error. */
export function settingAt(path: SettingPath): Setting {
  const leaf = LEAVES.get(path);
  if (!leaf) throw new Error(`no setting at ${path}`);
  return leaf.setting;
}

interface Props {
  path: SettingPath;
  config: PlaygroundConfig;
  /** Called with a value the setting's schema accepts. */
  onChange: (path: SettingPath, value: unknown) => void;
  disabled?: boolean;
}

/** The control of the playground setting at `path`. */
export function SettingField({ path, config, onChange, disabled = false }: Props) {
  return (
    <SettingControl
      setting={settingAt(path)}
      value={getAt(config, path.split('.'))}
      onValue={(v) => onChange(path, v)}
      disabled={disabled}
    />
  );
}

/**
 * The control of one setting, drawn from its declaration: a select for an enum, a number input
 * with the schema's bounds otherwise. Text the schema refuses stays in the box, marked invalid
 * with the reason, and changes nothing.
 */
export function SettingControl(p: {
  setting: Setting;
  value: unknown;
  onValue: (v: unknown) => void;
  disabled?: boolean;
}) {
  const { meta } = p.setting;
  const options = enumOptions(p.setting);
  const title = meta.unit ? `${meta.help} (${meta.unit})` : meta.help;
  if (options) {
    return (
      <label title={title}>
        {meta.label}
        <select
          value={String(p.value)}
          disabled={p.disabled}
          data-testid={`setting-${meta.url}`}
          onChange={(e) => p.onValue(e.target.value)}
        >
          {options.map((o) => (
            <option key={o} value={o}>
              {meta.options?.[o] ?? o}
            </option>
          ))}
        </select>
      </label>
    );
  }
  return (
    <NumberInput
      setting={p.setting}
      value={Number(p.value)}
      title={title}
      disabled={p.disabled ?? false}
      onValue={p.onValue}
    />
  );
}

function NumberInput(p: {
  setting: Setting;
  value: number;
  title: string;
  disabled: boolean;
  onValue: (v: number) => void;
}) {
  const { meta } = p.setting;
  const bounds = numberBounds(p.setting);
  const [text, setText] = useState(String(p.value));
  const [problem, setProblem] = useState<string | null>(null);
  // A value set from elsewhere (a preset, a link) replaces what was typed.
  useEffect(() => {
    setText((t) => (Number(t) === p.value ? t : String(p.value)));
    setProblem(null);
  }, [p.value]);
  return (
    <label title={problem ? `${p.title} — ${problem}` : p.title}>
      {meta.label}
      <input
        type="number"
        value={text}
        min={bounds.min}
        max={bounds.max}
        step={meta.step ?? (bounds.integer ? 1 : 'any')}
        disabled={p.disabled}
        aria-invalid={problem !== null}
        data-testid={`setting-${meta.url}`}
        onChange={(e) => {
          setText(e.target.value);
          const r = p.setting.schema.safeParse(
            e.target.value.trim() === '' ? Number.NaN : Number(e.target.value),
          );
          setProblem(r.success ? null : (r.error.issues[0]?.message ?? 'invalid'));
          if (r.success) p.onValue(r.data as number);
        }}
      />
    </label>
  );
}
