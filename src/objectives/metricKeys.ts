/**
 * The names of the preference metrics, TRL's, with no tfjs: the UI's charts list them too
 * (pipeline/views.ts derives every logged key from this table).
 */
export const PREFERENCE_METRIC_KEYS = [
  'loss',
  'rewards/chosen',
  'rewards/rejected',
  'rewards/margins',
  'rewards/accuracies',
  'logps/chosen',
  'logps/rejected',
  /**
   * Not a TRL metric: the batch mean of σ(r̂_l − r̂_w), each pair's weight in DPO's gradient
   * (paper §3, the gradient of Eq. 7). Pairs already ranked right by a wide margin weigh ~0.
   */
  'grad_weight',
] as const;
