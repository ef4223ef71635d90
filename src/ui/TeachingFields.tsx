import type { PlaygroundConfig } from '../share/playgroundConfig';
import { SettingField, type SettingPath } from './SettingField';

interface Props {
  config: PlaygroundConfig;
  onSetting: (path: SettingPath, value: unknown) => void;
  /** Fixed once the run is prepared. */
  locked: boolean;
  /** Training on an imported file: no reward to label new rounds, no sampled labels to flip. */
  imported: boolean;
  /** Whether the chosen algorithm reads a setting: the others are not shown. */
  reads: (path: SettingPath) => boolean;
}

/**
 * The teaching controls: online DPO rounds (fresh pairs from π_θ each round), label noise
 * (a share of the sampled labels flipped) and TR-DPO's reference refresh.
 */
export function TeachingFields({ config: c, onSetting, locked, imported, reads }: Props) {
  const { rounds, refSyncSteps: every } = c;
  const perRound = Math.ceil(c.steps / Math.max(1, rounds));
  const field = (path: SettingPath, disabled = false) =>
    reads(path) && (
      <SettingField key={path} path={path} config={c} onChange={onSetting} disabled={disabled} />
    );
  if (!['rounds', 'data.labelNoise', 'refSyncSteps'].some(reads)) return null;
  return (
    <fieldset className="fields data-fields" disabled={locked}>
      <legend>Online rounds, label noise, reference refresh</legend>
      {!imported && field('rounds')}
      {!imported && field('data.labelNoise')}
      {field('refSyncSteps')}
      {field('refMixupAlpha', every === 0)}
      <p className="hint fields-note">
        {!reads('rounds')
          ? 'One offline round on pairs from π_ref (online rounds and TR-DPO are DPO’s).'
          : rounds > 1
            ? `${rounds} rounds of ${perRound} steps; π_ref stays the SFT model, so the KL is to it. `
            : 'One offline round on pairs from π_ref. '}
        {every > 0 && reads('refSyncSteps')
          ? `π_ref moves towards π_θ every ${every} steps (α = ${c.refMixupAlpha}).`
          : ''}
      </p>
    </fieldset>
  );
}
