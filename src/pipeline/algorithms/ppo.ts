/** PPO (Ziegler et al. 2019; TRL) against the reward model learned from the sweep's pairs. */
import { z } from 'zod';
import { int, positive } from '../../util/zodFields';
import { algorithm, rewardModelSchema } from './algorithm';

/** PPO's own knobs (TRL names); the run's lr and steps (iterations) come from the run. */
export const ppoSchema = z.strictObject({
  /** Prompts per iteration, one completion each. */
  batchSize: int(1).default(16),
  miniBatchSize: int(1).default(8),
  ppoEpochs: int(1).default(4),
  /** Adaptive KL-penalty coefficient: start value and target (nats per sequence). */
  klInit: z.number().min(0, 'must be ≥ 0').default(0.2),
  klTarget: positive().default(6),
  adaptiveKl: z.boolean().default(true),
  /** Global grad-norm clip (TRL: 1), in place of the sweep's train.maxGradNorm. */
  maxGradNorm: positive().default(1),
  /**
   * Multiplies the reward PPO sees. Both rewards are z-scored over the sweep's labelled
   * samples (the learned RM's scores and r* alike), so PPO and PPO-GT share one scale; a sweep
   * whose PPO runs set different scales is refused.
   */
  rewardScale: positive().default(1),
});

export type PpoSettings = z.output<typeof ppoSchema>;

export const ppo = algorithm({
  id: 'ppo',
  label: 'PPO',
  colour: '#D55E00',
  kind: 'trained',
  trl: {
    notRun: 'TRL 1.13 ships no PPOTrainer (GRPOTrainer is its RL trainer, another algorithm)',
  },
  reads: ['labels'], // its reward model learns from them,
  schema: {
    ppo: ppoSchema.prefault({}),
    rewardModel: rewardModelSchema.prefault({}),
  },
  names: () => ({ id: 'ppo', label: 'PPO' }),
  builder: {
    label: 'PPO (learned reward model)',
    run: { steps: 10, evalEvery: 5, rewardModel: { steps: 60 } },
  },
  trainer: async (run, ctx, policy) => {
    const rm = await ctx.rewardModel(run.rewardModel, run.id);
    // Loaded here, not at the top: the UI imports this entry and must not load tfjs.
    const { startPpo } = await import('../rl/ppoStart');
    return startPpo(run, ctx, policy, rm.asRewardFunction());
  },
});
