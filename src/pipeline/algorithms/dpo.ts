/** DPO and its loss variants (the loss table of objectives/lossConfig.ts) on the sweep's pairs. */
import { LOSS_SETTINGS, PREFERENCE_LOSSES } from '../../objectives/lossConfig';
import { defaultedShape, readSettings, withDefault } from '../../util/setting';
import { algorithm, optimOf } from './algorithm';

/**
 * The loss fields of a DPO run, derived from the loss settings (same bounds and defaults as the
 * run controls and the share link): `loss` is the objective, then β and every hyperparameter.
 */
const { type, ...lossKnobs } = LOSS_SETTINGS;
export const dpoLossFields = { loss: withDefault(type), ...defaultedShape(lossKnobs) };

export const dpo = algorithm({
  id: 'dpo',
  label: 'DPO',
  colour: 'var(--accent)',
  kind: 'trained',
  schema: dpoLossFields,
  names: (run) => ({
    id: `${run.loss === 'sigmoid' ? 'dpo' : run.loss}-beta${run.beta}`,
    label: `${PREFERENCE_LOSSES[run.loss].short} β=${run.beta}`,
  }),
  builder: { label: 'DPO, β ∈', run: {} },
  trainer: async (run, ctx, policy) => {
    // Loaded here, not at the top: the UI imports this entry and must not load tfjs.
    const { PreferenceTrainer } = await import('../preferenceTrainer');
    // Exactly the loss settings of the run (a new hyperparameter comes along by itself).
    const loss = readSettings(LOSS_SETTINGS, { ...run, type: run.loss }).value;
    const { batchSize, seed } = run.train;
    const cfg = { loss, optim: optimOf(run), batchSize, seed };
    const { data } = ctx;
    // The playground's trainer (DpoRun trains through it too).
    return new PreferenceTrainer(policy, data.pairs, data.reference, cfg, data.collate);
  },
});
