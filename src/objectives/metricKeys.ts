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
] as const;
