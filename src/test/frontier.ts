/** Frontier points and run summaries for the tests of pipeline/frontier/ and the frontier panel. */
import { ALGORITHM_IDS } from '../pipeline/algorithms/registry';
import type { FrontierPoint, RunSummary } from '../pipeline/frontier/points';
import type { FrontierAlgorithm } from '../pipeline/frontier/sweepConfig';

/** The algorithm a test run id starts with ("dpo-b" → dpo, "ppo-gt" → ppo-gt); DPO for none. */
function algorithmOf(runId: string): FrontierAlgorithm {
  const named = ALGORITHM_IDS.filter((a) => runId === a || runId.startsWith(`${a}-`));
  return named.sort((a, b) => b.length - a.length)[0] ?? 'dpo';
}

/** A point of run `runId` labelled by its id, with s.e. 0.1 (KL) and 0.01 (reward) over 100 samples. */
export function frontierPoint(
  runId: string,
  seed: number,
  step: number,
  kl: number,
  reward: number,
  extra: Partial<FrontierPoint> = {},
): FrontierPoint {
  return {
    runId,
    algorithm: algorithmOf(runId),
    label: runId,
    seed,
    step,
    kl,
    klStderr: 0.1,
    klKind: 'exact',
    reward,
    rewardStderr: 0.01,
    samples: 100,
    ...extra,
  };
}

/** A run's summary with no final or best point: run "dpo" labelled "DPO" unless `over` says. */
export function runSummary(over: Partial<RunSummary> = {}): RunSummary {
  const runId = over.runId ?? 'dpo';
  return {
    runId,
    algorithm: algorithmOf(runId),
    label: runId.toUpperCase(),
    config: {},
    final: null,
    best: null,
    points: 3,
    seconds: 10,
    ...over,
  };
}
