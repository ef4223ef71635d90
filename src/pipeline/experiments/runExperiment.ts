/**
 * Runs an experiment's runs one after another on an SFT model, in Node (the reproduction
 * script and the tests) with the same DpoRun pipeline as the worker, on the built-in task.
 */
import type { GPT } from '../../model/gpt';
import { builtinPrompts, builtinTask } from '../../task/builtin';
import { groundTruthReward } from '../../task/reward';
import type { BpeTokenizer } from '../../tokenizer/bpe';
import { DpoRun } from '../dpoRun';
import type { DpoRunSettings } from '../settings';
import type { MetricPoint } from '../views';
import { type Experiment, type ExperimentOptions, experimentSettings } from './experiments';

/** The built-in task as the worker builds it (workspace.ts): train prompts, then eval prompts. */
function experimentTask(tokenizer: BpeTokenizer, s: DpoRunSettings) {
  const { heldOut } = builtinTask();
  return {
    tokenizer,
    trainPrompts: builtinPrompts(heldOut, s.data.prompts, 0),
    evalPrompts: builtinPrompts(heldOut, s.eval.prompts, s.data.prompts),
    reward: groundTruthReward,
  };
}

/** Applies an experiment's explicit options to a prepared run (here and in the worker). */
export function applyExperimentOptions(
  run: DpoRun,
  s: DpoRunSettings,
  o: ExperimentOptions = {},
): void {
  // lr 0 is outside the schema on purpose: only an experiment's explicit option sets it.
  if (o.frozenPolicy) run.update({ ...s, optim: { ...s.optim, lr: 0 } });
}

/** Every run's metric points, in the experiment's order. */
export async function runExperiment(
  sft: GPT,
  tokenizer: BpeTokenizer,
  exp: Experiment,
  seed: number,
): Promise<MetricPoint[][]> {
  const out: MetricPoint[][] = [];
  for (const r of exp.runs) {
    const s = experimentSettings(r, seed);
    const points: MetricPoint[] = [];
    const run = await DpoRun.prepare(sft, experimentTask(tokenizer, s), s, {
      onMetrics: (p) => points.push(p),
    });
    try {
      applyExperimentOptions(run, s, r.options);
      while (!run.done) await run.trainStep();
    } finally {
      run.dispose();
    }
    out.push(points);
  }
  return out;
}
