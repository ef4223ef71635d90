/** Which registry algorithms the playground trains (plain data: the run controls read it). */
import { ALGORITHMS, type AlgorithmId } from './registry';

/** Why the playground trains no policy for `id`, or null when it does. */
export function notTrainedHere(id: AlgorithmId): string | null {
  const entry = ALGORITHMS[id];
  if (entry.kind === 'reference') {
    return `${entry.label} is π_ref itself: there is nothing to train.`;
  }
  if (entry.kind === 'reranked') {
    return `${entry.label} trains no policy: it reranks π_ref's samples at evaluation. Compare it with the others on the frontier panel.`;
  }
  return null;
}

/** Whether algorithm `id`'s playground runs read a setting used by `usedBy` (absent: all do). */
export function algorithmReads(id: AlgorithmId, usedBy: readonly string[] | undefined): boolean {
  const reads: readonly string[] = ALGORITHMS[id].reads ?? [];
  return !usedBy || usedBy.some((t) => reads.includes(t));
}
