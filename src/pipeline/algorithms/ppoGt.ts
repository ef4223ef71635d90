/** PPO-GT: PPO against the ground-truth reward r*, z-scored as the learned one is. */
import { algorithm } from './algorithm';
import { ppoSchema } from './ppo';

export const ppoGt = algorithm({
  id: 'ppo-gt',
  label: 'PPO-GT',
  colour: '#882255',
  kind: 'trained',
  trl: {
    notRun:
      'TRL 1.13 ships no PPOTrainer (its older one scored rollouts with a reward-model module, not a lexicon function)',
  },
  reads: [],
  schema: { ppo: ppoSchema.prefault({}) },
  names: () => ({ id: 'ppo-gt', label: 'PPO-GT' }),
  builder: {
    label: 'PPO-GT (ground-truth reward)',
    run: { steps: 10, evalEvery: 5 },
  },
  trainer: async (run, ctx, policy) => {
    // Loaded here, not at the top: the UI imports this entry and must not load tfjs.
    const { groundTruthReward, startPpo } = await import('../rl/ppoStart');
    return startPpo(run, ctx, policy, groundTruthReward(ctx));
  },
});
