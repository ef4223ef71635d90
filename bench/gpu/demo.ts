/**
 * The app's default demo, headless, in its own process: the shipped nano SFT checkpoint,
 * π_ref samples the preference pairs, DpoRun trains and evaluates exactly as the worker's run
 * controller does (same task: training prompts from held-out review 0, evaluation prompts right
 * after them), on whatever backend `--backend` names (webgpu in the GPU bundle).
 * `node demo.mjs [--backend webgpu] [--quick] [--checkpoint <file>]`; prints one line
 * `BENCH_OUTCOME <json>` ({ok, result} or {ok: false, error}) as bench/nodeConfig.ts does.
 * Times are seconds since the process started, the analogue of e2e/dpo.spec.ts's page load.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { spread } from '../../src/bench/stats';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { DEFAULT_DPO_SETTINGS, DpoRun, type DpoRunSettings } from '../../src/pipeline/dpoRun';
import { builtinPrompts, builtinTask } from '../../src/task/builtin';
import { groundTruthReward } from '../../src/task/reward';
import { BpeTokenizer } from '../../src/tokenizer/bpe';
import { selectNodeBackend } from '../nodeBackend';
import { reportOutcome } from '../outcome';

/** A few SwiftShader-sized steps (≈ 3 s each there): the bundle's own test, not a figure. */
const QUICK_DEMO: DpoRunSettings = {
  ...DEFAULT_DPO_SETTINGS,
  steps: 1,
  batchSize: 4,
  data: { ...DEFAULT_DPO_SETTINGS.data, prompts: 4, maxNewTokens: 6 },
  eval: { ...DEFAULT_DPO_SETTINGS.eval, every: 1, prompts: 2, maxNewTokens: 6 },
};

export interface DemoEvaluation {
  step: number;
  reward: number;
  refReward: number;
  kl: number;
  seconds: number;
}

export interface DemoResult {
  backend: string;
  settings: { prompts: number; completions: number; steps: number; batchSize: number };
  pairs: number;
  /** Seconds since process start: checkpoint loaded, pairs sampled, π_ref cached + step-0 eval. */
  secondsToCheckpoint: number;
  secondsToPairs: number;
  secondsToReady: number;
  /** First logged rewards/accuracies ≥ 0.9; first evaluation after step 0 with reward > π_ref's. */
  secondsToAccuracy90: number | null;
  secondsToRewardGain: number | null;
  secondsToDone: number;
  /** Median wall time of one DpoRun.trainStep that did not evaluate (ms). */
  stepMsMedian: number;
  firstLoss: number;
  finalAccuracy: number;
  finalMargin: number;
  evaluations: DemoEvaluation[];
}

const seconds = () => performance.now() / 1000;

async function main(): Promise<DemoResult> {
  const { values: a } = parseArgs({
    options: {
      backend: { type: 'string', default: 'webgpu' },
      quick: { type: 'boolean', default: false },
      checkpoint: { type: 'string', default: 'public/checkpoints/sft-nano.json' },
    },
  });
  const settings = a.quick ? QUICK_DEMO : DEFAULT_DPO_SETTINGS;
  await selectNodeBackend(a.backend ?? 'webgpu');
  const { model: sft, checkpoint } = loadCheckpoint(
    JSON.parse(readFileSync(a.checkpoint ?? '', 'utf8')),
    false,
  );
  const secondsToCheckpoint = seconds();
  const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
  const { heldOut } = builtinTask();
  const task = {
    tokenizer,
    trainPrompts: builtinPrompts(heldOut, settings.data.prompts, 0),
    evalPrompts: builtinPrompts(heldOut, settings.eval.prompts, settings.data.prompts),
    reward: groundTruthReward,
  };
  let secondsToPairs = Number.NaN;
  let secondsToAccuracy90: number | null = null;
  let secondsToRewardGain: number | null = null;
  let firstLoss = Number.NaN;
  let last: Record<string, number> = {};
  let evaluated = false;
  const evaluations: DemoEvaluation[] = [];
  const run = await DpoRun.prepare(sft, task, settings, {
    onPairs: () => {
      secondsToPairs = seconds();
    },
    onMetrics: (p) => {
      const reward = p['eval/reward'];
      if (typeof reward === 'number') {
        evaluated = true;
        const refReward = Number(p['eval/ref_reward']);
        evaluations.push({
          step: p.step,
          reward,
          refReward,
          kl: Number(p['eval/kl']),
          seconds: seconds(),
        });
        if (p.step > 0 && reward > refReward) secondsToRewardGain ??= seconds();
      }
      if (typeof p.loss !== 'number') return;
      if (Number.isNaN(firstLoss)) firstLoss = p.loss;
      last = { accuracy: Number(p['rewards/accuracies']), margin: Number(p['rewards/margins']) };
      if ((last.accuracy ?? 0) >= 0.9) secondsToAccuracy90 ??= seconds();
    },
  });
  const secondsToReady = seconds();
  const stepTimes: number[] = [];
  while (!run.done) {
    evaluated = false;
    const t0 = performance.now();
    await run.trainStep();
    if (!evaluated) stepTimes.push(performance.now() - t0);
  }
  const result: DemoResult = {
    backend: tf.getBackend(),
    settings: {
      prompts: settings.data.prompts,
      completions: settings.data.completionsPerPrompt,
      steps: settings.steps,
      batchSize: settings.batchSize,
    },
    pairs: run.data.pairs.length,
    secondsToCheckpoint,
    secondsToPairs,
    secondsToReady,
    secondsToAccuracy90,
    secondsToRewardGain,
    secondsToDone: seconds(),
    stepMsMedian: stepTimes.length > 0 ? spread(stepTimes).median : Number.NaN,
    firstLoss,
    finalAccuracy: last.accuracy ?? Number.NaN,
    finalMargin: last.margin ?? Number.NaN,
    evaluations,
  };
  run.dispose();
  sft.dispose();
  return result;
}

reportOutcome(main());
