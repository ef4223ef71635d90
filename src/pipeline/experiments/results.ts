import data from './results.json';

/** The shape of results.json: what `npm run verify:experiments` measured per experiment and seed. */
interface SeedResult {
  seed: number;
  /** The prediction the metrics bore out. */
  answer: string;
  /** answer === the experiment's expected prediction. */
  holds: boolean;
  effect: Record<string, number>;
  /** Wall time of all its runs (WASM, this machine). */
  seconds: number;
}

export interface ExperimentResults {
  model: string;
  backend: string;
  experiments: Record<string, { expected: string; seeds: SeedResult[] }>;
}

/** What `npm run verify:experiments` measured, as committed. */
export const MEASURED: ExperimentResults = data as ExperimentResults;
