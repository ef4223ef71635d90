/** Unlikelihood (Welleck et al. 2019): chosen NLL + α · unlikelihood of the rejected tokens. */
import { z } from 'zod';
import { algorithm, optimOf } from './algorithm';

export const unlikelihood = algorithm({
  id: 'unlikelihood',
  label: 'Unlikelihood',
  colour: '#CC79A7',
  kind: 'trained',
  trl: { notRun: 'TRL has no unlikelihood trainer' },
  reads: ['pair-batches', 'labels'],
  schema: {
    /** Weight of the rejected completion's unlikelihood term. */
    alpha: z.number().min(0, 'must be ≥ 0').default(1),
  },
  names: (run) => ({
    id: `unlikelihood-alpha${run.alpha}`,
    label: `Unlikelihood α=${run.alpha}`,
  }),
  builder: { label: 'Unlikelihood', run: {} },
  trainer: async (run, ctx, policy) => {
    // Loaded here, not at the top: the UI imports this entry and must not load tfjs.
    const { PairFinetuner } = await import('../frontier/finetune');
    const { batchSize, seed } = run.train;
    const cfg = { unlikelihoodAlpha: run.alpha, optim: optimOf(run), batchSize, seed };
    return new PairFinetuner(policy, ctx.data.pairs, cfg, ctx.data.collate);
  },
});
