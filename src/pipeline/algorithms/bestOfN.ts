/** Best-of-N: N samples of π_ref per prompt, the best by a reward kept (no training). */
import { z } from 'zod';
import { int } from '../../util/zodFields';
import { algorithm, rewardModelSchema } from './algorithm';

export const bestOfN = algorithm({
  id: 'best-of-n',
  label: 'Best-of-N',
  colour: '#009E73',
  kind: 'reranked',
  trl: { notRun: 'TRL 1.13 ships no Best-of-N sampler; not wired yet (generate + rerank)' },
  schema: {
    n: z.array(int(1)).min(1, 'must list at least one N').default([1, 2, 4, 8, 16]),
    /** Ranks the N samples: the reward model learned from the pairs (paper) or r*. */
    select: z.enum(['reward-model', 'ground-truth']).default('reward-model'),
    rewardModel: rewardModelSchema.prefault({}),
  },
  names: (run) => ({
    id: run.select === 'ground-truth' ? 'best-of-n-oracle' : 'best-of-n',
    label: `Best-of-N${run.select === 'ground-truth' ? ' (oracle)' : ''}`,
  }),
  builder: {
    label: 'Best-of-N (N = 1, 2, 4, 8)',
    run: { n: [1, 2, 4, 8], rewardModel: { steps: 60 } },
  },
  trainer: null,
});
