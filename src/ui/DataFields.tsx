import type { PlaygroundConfig } from '../share/playgroundConfig';
import { SettingField, type SettingPath } from './SettingField';

interface Props {
  config: PlaygroundConfig;
  onSetting: (path: SettingPath, value: unknown) => void;
  /** Fixed once pairs are sampled. */
  locked: boolean;
  /** Whether the chosen algorithm reads a setting: the others are not shown. */
  reads: (path: SettingPath) => boolean;
}

const FIELDS: readonly SettingPath[] = [
  'data.prompts',
  'data.completionsPerPrompt',
  'data.temperature',
  'data.maxNewTokens',
  'data.pairing',
  'seed',
];

/**
 * Stage 2 of the pipeline: how preference pairs are made. K completions per prompt are
 * sampled from π_ref and ranked by the ground-truth reward; ties are dropped.
 */
export function DataFields({ config: c, onSetting, locked, reads }: Props) {
  const K = c.data.completionsPerPrompt;
  const perPrompt = c.data.pairing === 'all' ? (K * (K - 1)) / 2 : 1;
  return (
    <fieldset className="fields data-fields" disabled={locked}>
      <legend>Preference data, sampled from π_ref</legend>
      {FIELDS.filter(reads).map((path) => (
        <SettingField key={path} path={path} config={c} onChange={onSetting} />
      ))}
      <p className="hint fields-note">
        Up to {c.data.prompts * perPrompt} pairs: {c.data.prompts} prompts × {perPrompt} pair
        {perPrompt === 1 ? '' : 's'} each, fewer where rewards tie.
      </p>
    </fieldset>
  );
}
