/**
 * The algorithms of a reward–KL sweep, one module each (no tfjs: the UI imports this). The
 * sweep config, the frontier panel and the sweep builder derive from this table; a new
 * baseline is one module and its line here.
 */
import { bestOfN } from './bestOfN';
import { dpo } from './dpo';
import { ppo } from './ppo';
import { ppoGt } from './ppoGt';
import { preferredFt } from './preferredFt';
import { sft } from './sft';
import { unlikelihood } from './unlikelihood';

/** In table order (the sweep builder's, the frontier legend's). */
const MODULES = [sft, dpo, preferredFt, unlikelihood, bestOfN, ppo, ppoGt] as const;

/** Entries keyed by their ids. */
export type AlgorithmTable<M extends readonly { id: string }[]> = {
  [E in M[number] as E['id']]: E;
};

/** The table of `modules`, keyed by id; refuses a repeated id. */
export function algorithmTable<const M extends readonly { id: string }[]>(
  modules: M,
): AlgorithmTable<M> {
  const out: Record<string, M[number]> = {};
  for (const m of modules) {
    if (m.id in out) throw new Error(`two algorithms are named ${m.id}`);
    out[m.id] = m;
  }
  return out as AlgorithmTable<M>;
}

export const ALGORITHMS = algorithmTable(MODULES);

export type AlgorithmId = keyof typeof ALGORITHMS;

/** The ids in table order. */
export const ALGORITHM_IDS = MODULES.map((m) => m.id) as [AlgorithmId, ...AlgorithmId[]];

/** The ids of the algorithms of kind `K`. */
export type AlgorithmsOfKind<K> = {
  [A in AlgorithmId]: (typeof ALGORITHMS)[A]['kind'] extends K ? A : never;
}[AlgorithmId];

/** The ids of the trained algorithms (those with a trainer). */
export type TrainedAlgorithm = AlgorithmsOfKind<'trained'>;
