/** Preferred-FT (paper Fig. 2): token-mean NLL of the chosen completions only. */
import { algorithm, optimOf } from './algorithm';

export const preferredFt = algorithm({
  id: 'preferred-ft',
  label: 'Preferred-FT',
  colour: '#E69F00',
  kind: 'trained',
  trl: 'sft-trainer',
  reads: ['pair-batches', 'labels'],
  schema: {},
  sequencesPerPair: 1,
  names: () => ({ id: 'preferred-ft', label: 'Preferred-FT' }),
  builder: { label: 'Preferred-FT', run: {} },
  trainer: async (run, ctx, policy) => {
    // Loaded here, not at the top: the UI imports this entry and must not load tfjs.
    const { PairFinetuner } = await import('../frontier/finetune');
    const { batchSize, seed } = run.train;
    const cfg = { optim: optimOf(run), batchSize, seed };
    return new PairFinetuner(policy, ctx.data.pairs, cfg, ctx.data.collate);
  },
});
