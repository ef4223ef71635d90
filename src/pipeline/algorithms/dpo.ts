/** DPO and its loss variants (the loss table of objectives/lossConfig.ts) on the sweep's pairs. */
import { LOSS_SETTINGS, PREFERENCE_LOSSES } from '../../objectives/lossConfig';
import { defaultedShape, readSettings, withDefault } from '../../util/setting';
import { int } from '../../util/zodFields';
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
  trl: 'dpo-trainer',
  reads: [
    'preference-loss',
    'pair-batches',
    'labels',
    'online-rounds',
    'reference-refresh',
    'optimiser-choice',
  ],
  schema: {
    ...dpoLossFields,
    /**
     * Online DPO (a sweep's extra curve): the steps split into this many rounds, round 1 on the
     * sweep's π_ref pairs, each later round on fresh pairs sampled from π_θ and labelled by r*
     * (as many as the sweep's data). Differs from the budget by design: rounds × the samples.
     */
    rounds: int(1).optional(),
  },
  names: (run) => {
    const online = (run.rounds ?? 1) > 1;
    const short = PREFERENCE_LOSSES[run.loss].short;
    return {
      id: `${online ? 'online-' : ''}${run.loss === 'sigmoid' ? 'dpo' : run.loss}-beta${run.beta}${online ? `-r${run.rounds}` : ''}`,
      label: online
        ? `online ${short} β=${run.beta} (${run.rounds} rounds)`
        : `${short} β=${run.beta}`,
    };
  },
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
    const trainer = new PreferenceTrainer(policy, data.pairs, data.reference, cfg, data.collate);
    if ((run.rounds ?? 1) <= 1) return trainer;
    const { onlineRounds } = await import('./onlineDpoTrainer');
    return onlineRounds(trainer, run.rounds ?? 1, run.train, ctx, policy);
  },
});
