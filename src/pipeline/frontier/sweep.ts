/**
 * A reward–KL frontier sweep (paper Fig. 2, left): the preference data is sampled once from
 * the SFT model, then each run starts from the same SFT model and reports (KL, reward) points
 * through callbacks as it trains. Runs go one after another; no Node APIs (the worker runs it
 * too).
 */
import type { GPT } from '../../model/gpt';
import { bestOfN } from '../../objectives/bestOfN';
import { NEEDS_REFERENCE } from '../../objectives/lossConfig';
import type { AlgorithmTableLike, SweepContext } from '../algorithms/algorithm';
import { ALGORITHMS } from '../algorithms/registry';
import { evaluateBestOfN } from '../rl/bestOfNBaseline';
import { perSampleReward, type TokenizedPrompt } from '../rl/rewardFunction';
import { type RewardModel, trainRewardModel } from '../rl/rewardModelTrainer';
import { epochsOf, runBudget, runCompute } from './budget';
import { buildSweepData, type FrontierTask, tokenizePrompts } from './data';
import { evaluateFrontier, type FrontierEval } from './frontierEval';
import {
  buildHeldOutPairs,
  type HeldOutPairs,
  implicitRewardAccuracy,
  rewardModelAccuracy,
} from './heldOut';
import {
  type FrontierPoint,
  type HeldOutAccuracy,
  meanStderr,
  type RunSummary,
  summarizeRun,
} from './points';
import { seedStreams } from './seeds';
import { type ResolvedRun, resolveRuns, type SweepConfig } from './sweepConfig';
import {
  isReranked,
  isTrained,
  type RerankedRun,
  startTraining,
  type TrainedRun,
} from './training';

export type SweepStage =
  | 'sampling'
  | 'reference'
  | 'reward-model'
  | 'training'
  | 'evaluating'
  | 'best-of-n';

export interface SweepCallbacks {
  /** `runId` is absent for the shared stages (sampling the pairs, caching π_ref). */
  onProgress?(stage: SweepStage, done: number, total: number, runId?: string): void;
  onPairs?(count: number): void;
  onRunStart?(run: ResolvedRun, index: number, count: number): void;
  onPoint?(point: FrontierPoint): void;
  /** Training metrics (loss, ...) of logged steps; the reward model's under phase 'reward-model'. */
  onLog?(
    runId: string,
    phase: 'train' | 'reward-model',
    step: number,
    m: Record<string, number>,
  ): void;
  onRunEnd?(summary: RunSummary): void;
  /** Polled between steps: true ends the sweep after the current step. */
  shouldStop?(): boolean;
  /** True for a run this seed need not run (a resumed sweep's finished runs). */
  skipRun?(runId: string): boolean;
}

export interface SweepResult {
  runs: RunSummary[];
  points: FrontierPoint[];
  pairs: number;
  seconds: number;
  stopped: boolean;
}

/** Training metrics are read back (a GPU sync) every this many steps. */
const LOG_EVERY = 10;

/** Test prompts whose π_ref pairs measure the held-out pair accuracies. */
const HELD_OUT_PROMPTS = 96;

/**
 * One replicate of the sweep: every random choice comes from `seed`'s streams (seeds.ts), so
 * replicates differ in data, batch order, evaluation samples, reward-model init and Best-of-N.
 * `algorithms`: the registry, or one extended with more modules (as parsed by parseSweepConfig).
 */
export async function runSweep(
  sweep: SweepConfig,
  sft: GPT,
  task: FrontierTask,
  cb: SweepCallbacks = {},
  seed = sweep.seeds[0] ?? 1,
  algorithms: AlgorithmTableLike = ALGORITHMS,
): Promise<SweepResult> {
  const t0 = performance.now();
  const streams = seedStreams(seed);
  const runs = resolveRuns(sweep, streams.order, algorithms);
  // Each prompt `samplesPerPrompt` times in a row: independent samples of the same prompt.
  const evalPrompts = tokenizePrompts(
    task.tokenizer,
    task.evalPrompts.slice(0, sweep.eval.prompts),
  ).flatMap((p) => Array.from({ length: sweep.eval.samplesPerPrompt }, () => p));
  if (evalPrompts.length === 0) throw new Error('the task has no evaluation prompts');
  const validationPrompts = tokenizePrompts(
    task.tokenizer,
    (task.validationPrompts ?? []).slice(0, sweep.eval.validationPrompts),
  );
  if (sweep.eval.validationPrompts > validationPrompts.length) {
    throw new Error(
      `eval.validationPrompts is ${sweep.eval.validationPrompts}: the task has ${validationPrompts.length} validation prompts`,
    );
  }
  const reference = sft.clone(false);
  const rewardModels = new Map<string, RewardModel>();
  const points: FrontierPoint[] = [];
  const summaries: RunSummary[] = [];
  let stopped = false;
  try {
    const data = await buildSweepData(reference, task, sweep.data, streams.data, (stage, d, t) =>
      cb.onProgress?.(stage, d, t),
    );
    let heldOut: HeldOutPairs | undefined;
    const heldOutPairs = async () => {
      heldOut ??= await buildHeldOutPairs(
        reference,
        task,
        sweep.data,
        Math.min(HELD_OUT_PROMPTS, task.evalPrompts.length),
        streams.heldOutPairs,
        data.collate,
      );
      return heldOut;
    };
    const rmAccuracy = new Map<RewardModel, HeldOutAccuracy>();
    cb.onPairs?.(data.pairs.length);
    const evalOpts = {
      maxNewTokens: sweep.eval.maxNewTokens,
      temperature: sweep.eval.temperature,
      seed: streams.eval,
      eotId: task.tokenizer.eot,
      decode: (ids: number[]) => task.tokenizer.decode(ids),
      reward: task.reward,
    };
    // The validation evaluation draws from its own stream (the evaluation's, offset).
    const valOpts = { ...evalOpts, seed: evalOpts.seed + 7919 };
    const both = async (policy: GPT): Promise<Evaluated> => ({
      test: await evaluateFrontier(policy, reference, evalPrompts, evalOpts),
      ...(validationPrompts.length
        ? {
            validation: (await evaluateFrontier(policy, reference, validationPrompts, valOpts))
              .reward,
          }
        : {}),
    });
    let sftEval: Evaluated | undefined;
    const evaluate = async (policy: GPT | null, runId: string): Promise<Evaluated> => {
      cb.onProgress?.('evaluating', 0, 1, runId);
      // π_θ = π_ref at step 0: one evaluation serves every run's first point.
      if (!policy) sftEval ??= await both(reference);
      const e = policy ? await both(policy) : (sftEval as Evaluated);
      cb.onProgress?.('evaluating', 1, 1, runId);
      return e;
    };
    const ctx: SweepContext = {
      sft,
      reference,
      task,
      data,
      generation: {
        maxNewTokens: sweep.data.maxNewTokens,
        temperature: sweep.data.temperature,
      },
      sampling: sweep.data,
      rewardModel: async (s, runId) => {
        const key = JSON.stringify(s);
        let rm = rewardModels.get(key);
        if (!rm) {
          cb.onProgress?.('reward-model', 0, s.steps, runId);
          rm = await trainRewardModel(sft, data, s, streams.rewardModel, (step, m) => {
            cb.onLog?.(runId, 'reward-model', step, m);
            cb.onProgress?.('reward-model', step, s.steps, runId);
          });
          rewardModels.set(key, rm);
          const held = await heldOutPairs();
          const accuracy = await rewardModelAccuracy(rm, held);
          rmAccuracy.set(rm, {
            kind: 'reward-model',
            accuracy,
            pairs: held.pairs.length,
          });
        }
        return rm;
      },
    };

    for (const [index, run] of runs.entries()) {
      if (cb.shouldStop?.()) {
        stopped = true;
        break;
      }
      if (cb.skipRun?.(run.id)) continue;
      cb.onRunStart?.(run, index, runs.length);
      const started = performance.now();
      const own: FrontierPoint[] = [];
      let accuracy: HeldOutAccuracy | undefined;
      const emit = (q: FrontierPoint) => {
        const p = { ...q, seed };
        own.push(p);
        points.push(p);
        cb.onPoint?.(p);
      };
      const exact = (step: number, { test: e, validation }: Evaluated): FrontierPoint => ({
        runId: run.id,
        algorithm: run.algorithm,
        label: run.label,
        step,
        kl: e.kl,
        klStderr: e.klStderr,
        klKind: 'exact',
        reward: e.reward,
        rewardStderr: e.rewardStderr,
        samples: e.rewards.length,
        sample: e.sample,
        ...(validation !== undefined ? { validationReward: validation } : {}),
      });
      if (isReranked(run, algorithms)) {
        for (const p of await bestOfNPoints(run, ctx, evalPrompts, sweep, streams.bestOfN, cb)) {
          emit(p);
        }
      } else {
        emit(exact(0, await evaluate(null, run.id)));
        if (isTrained(run, algorithms)) {
          stopped = await train(
            run,
            ctx,
            algorithms,
            cb,
            new Set(sweep.eval.at),
            async (step, policy) => emit(exact(step, await evaluate(policy, run.id))),
            async (policy) => {
              // DPO's implicit reward model β·log π_θ/π_ref, on the held-out pairs.
              if (run.algorithm !== 'dpo' || !NEEDS_REFERENCE[run.loss]) return;
              const held = await heldOutPairs();
              const a = await implicitRewardAccuracy(policy, held, run.beta, data.collate);
              accuracy = {
                kind: 'implicit',
                accuracy: a,
                pairs: held.pairs.length,
              };
            },
          );
        }
      }
      // Every run that ranks by the learned reward model (any but Best-of-N with the oracle).
      if ('rewardModel' in run && (!('select' in run) || run.select === 'reward-model')) {
        accuracy = rmAccuracy.get(await ctx.rewardModel(run.rewardModel, run.id));
      }
      const seconds = (performance.now() - started) / 1000;
      const used = runBudget(run, sweep.data);
      const epochs =
        used.counted && !('ppo' in run)
          ? epochsOf(run.train.steps, run.train.batchSize, data.pairs.length)
          : undefined;
      const summary = {
        ...summarizeRun(run, configOf(run), own, seconds),
        seed,
        ...(used.counted
          ? {
              budget: {
                updates: used.updates,
                samples: used.samples,
                ...(epochs !== undefined ? { epochs } : {}),
              },
            }
          : {}),
        ...(accuracy ? { heldOutAccuracy: accuracy } : {}),
        compute: runCompute(run, { data: sweep.data, evalSamples: evalPrompts.length }),
      };
      summaries.push(summary);
      cb.onRunEnd?.(summary);
      if (stopped) break;
    }
    return {
      runs: summaries,
      points,
      pairs: data.pairs.length,
      seconds: (performance.now() - t0) / 1000,
      stopped,
    };
  } finally {
    for (const rm of rewardModels.values()) rm.dispose();
    reference.dispose();
  }
}

/** An evaluation on the reported prompts, and the mean reward on validation prompts if any. */
interface Evaluated {
  test: FrontierEval;
  validation?: number;
}

/** Steps a run to the end, evaluating every evalEvery steps and at the last; true if stopped. */
async function train(
  run: TrainedRun,
  ctx: SweepContext,
  algorithms: AlgorithmTableLike,
  cb: SweepCallbacks,
  at: ReadonlySet<number>,
  evaluateAt: (step: number, policy: GPT) => Promise<void>,
  atEnd: (policy: GPT) => Promise<void>,
): Promise<boolean> {
  const training = await startTraining(run, ctx, algorithms);
  try {
    const { steps } = run.train;
    for (let step = 1; step <= steps; step++) {
      const log = step % LOG_EVERY === 0 || step === 1 || step === steps;
      const m = await training.trainStep(log);
      if (m) cb.onLog?.(run.id, 'train', step, m);
      cb.onProgress?.('training', step, steps, run.id);
      const stop = cb.shouldStop?.() ?? false;
      if (step % run.evalEvery === 0 || at.has(step) || step === steps || stop) {
        await evaluateAt(step, training.policy);
      }
      if (stop) return true;
    }
    await atEnd(training.policy);
    return false;
  } finally {
    training.dispose();
  }
}

/** Samples of π_ref reranked by the run's selector: one point per N. */
async function bestOfNPoints(
  run: RerankedRun,
  ctx: SweepContext,
  prompts: TokenizedPrompt[],
  sweep: SweepConfig,
  seed: number,
  cb: SweepCallbacks,
): Promise<FrontierPoint[]> {
  const { tokenizer, reward } = ctx.task;
  const groundTruth = perSampleReward((prompt, text) => reward(text, prompt));
  const select =
    run.select === 'ground-truth'
      ? groundTruth
      : (await ctx.rewardModel(run.rewardModel, run.id)).asRewardFunction();
  const r = await evaluateBestOfN(
    ctx.reference,
    prompts,
    {
      ns: run.n,
      maxNewTokens: sweep.eval.maxNewTokens,
      temperature: sweep.eval.temperature,
      seed,
      eotId: tokenizer.eot,
      decode: (ids) => tokenizer.decode(ids),
      select,
      groundTruth,
    },
    (done, total) => cb.onProgress?.('best-of-n', done, total, run.id),
  );
  return r.points.map((p): FrontierPoint => {
    // Per prompt, the ground truth of the candidate `select` ranks first among the first n.
    const { chosenIndex } = bestOfN(r.candidates.map((c) => c.select.slice(0, p.n)));
    const picked = r.candidates.map((c, i) => c.groundTruth[chosenIndex[i] ?? 0] ?? Number.NaN);
    const first = r.candidates[0];
    const s = meanStderr(picked);
    return {
      runId: run.id,
      algorithm: run.algorithm,
      label: run.label,
      step: 0,
      n: p.n,
      kl: p.kl,
      klStderr: 0,
      klKind: 'analytic',
      reward: s.mean,
      rewardStderr: s.stderr,
      samples: picked.length,
      ...(first
        ? {
            sample: `${first.prompt} ⟶ ${first.texts[chosenIndex[0] ?? 0] ?? ''}`,
          }
        : {}),
    };
  });
}

/** The run's settings for the summary, without its derived fields. */
function configOf(run: ResolvedRun): Record<string, unknown> {
  const { id: _id, label: _label, ...rest } = run;
  return rest;
}
