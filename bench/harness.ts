/**
 * One bench configuration, measured with the real pipeline on whatever tfjs backend is set:
 * DPO steps through PreferenceTrainer (default batch of 8 pairs, π_ref log-probs cached once
 * as the app does), the backend's plain matMul throughput, KV-cache sampling, and tf.memory()
 * after 10 and after N steps. No Node or DOM imports: the bench page and the Node worker
 * both run it.
 */
import * as tf from '@tensorflow/tfjs';
import { gflops, matmulFlops, trainStepFlops } from '../src/bench/flops';
import { type Spread, spread } from '../src/bench/stats';
import { makeConfig, type PresetName, parameterCount } from '../src/model/config';
import { generate } from '../src/model/generate';
import { GPT } from '../src/model/gpt';
import { mulberry32 } from '../src/model/rng';
import { collatePairs, type TokenizedPair } from '../src/pipeline/collate';
import { DEFAULT_DPO_SETTINGS } from '../src/pipeline/dpoRun';
import { PreferenceTrainer, precomputeReference } from '../src/pipeline/preferenceTrainer';
import { BLOCK_SIZE, PRESET_VOCAB } from './presets';

/** The first step took longer than the run allows: the configuration is skipped. */
class TooSlowError extends Error {
  override name = 'TooSlowError';
  constructor(stepMs: number, limitMs: number) {
    super(
      `too slow here: second step ${(stepMs / 1000).toFixed(1)} s > ` +
        `${(limitMs / 1000).toFixed(0)} s limit (20+ timed steps would not fit the budget)`,
    );
  }
}

export interface HarnessOptions {
  preset: PresetName;
  /** Steps before the timed ones (the first is reported alone). */
  warmupSteps: number;
  /** Steps in all (≥ warmupSteps + 20); tf.memory() is read after 10 and after this many. */
  totalSteps: number;
  sampling: { prompts: number; newTokens: number };
  matmulRepeats: number;
  /** Synthetic pairs to draw batches from (default 256); π_ref's log-probs are cached for all. */
  pairs?: number;
  /** Stop adding steps past this many ms of stepping (the budget); at least 10 + 20 run. */
  stepBudgetMs?: number;
  /** Give up when the second step (shaders compiled) takes longer (SwiftShader is slow). */
  maxStepMs?: number;
  /** Progress lines (stage names with elapsed ms). */
  log?: (line: string) => void;
}

type MemoryReading = { step: number; numTensors: number; numBytes: number };

export interface HarnessResult {
  preset: PresetName;
  backend: string;
  config: { nLayer: number; nHead: number; nEmbd: number; vocabSize: number; blockSize: number };
  params: number;
  pairsPerStep: number;
  /** Rows (2B) × padded length T of the timed steps (median T). */
  rows: number;
  paddedT: number;
  nonPadTokensPerStep: number;
  firstStepMs: number;
  stepMs: Spread;
  tokensPerSecond: number;
  flopsPerStep: number;
  achievedGflops: number;
  matmul: { shape: [number, number, number]; ms: number; gflops: number }[];
  matmulGflops: number;
  efficiency: number;
  /** flopsPerStep at matmulGflops: the step if it were all matMul at this run's own rate. */
  matmulFloorMs: number;
  sampling: { prompts: number; newTokens: number; ms: number; tokensPerSecond: number };
  memory: MemoryReading[];
  tensorGrowth: number;
  byteGrowth: number;
  stepsRun: number;
}

/** Synthetic tokenised pairs of the built-in task's lengths: prompt 4–16, completions 4–16. */
export function syntheticPairs(n: number, vocab: number, seed: number): TokenizedPair[] {
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const ids = (len: number) => Array.from({ length: len }, () => int(0, vocab - 2));
  const eot = vocab - 1;
  return Array.from({ length: n }, () => ({
    prompt: [eot, ...ids(int(3, 15))],
    chosen: [...ids(int(3, 15)), eot],
    rejected: [...ids(int(3, 15)), eot],
  }));
}

/** Waits for the device: reads the last parameter (ln_f.bias, [C]) written by the update. */
async function sync(model: GPT): Promise<void> {
  await model.variables().at(-1)?.data();
}

async function matmulThroughput(M: number, K: number, N: number, repeats: number) {
  const a = tf.randomNormal([M, K]);
  const b = tf.randomNormal([K, N]);
  const times: number[] = [];
  for (let i = 0; i < repeats + 2; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    if (i >= 2) times.push(performance.now() - t0); // two warm-up runs (shader compile)
  }
  tf.dispose([a, b]);
  const ms = spread(times).median;
  return {
    shape: [M, K, N] as [number, number, number],
    ms,
    gflops: gflops(matmulFlops(M, K, N), ms),
  };
}

export async function runHarness(o: HarnessOptions): Promise<HarnessResult> {
  const vocab = PRESET_VOCAB[o.preset];
  const cfg = makeConfig({ preset: o.preset, vocabSize: vocab, blockSize: BLOCK_SIZE });
  const sft = GPT.create(cfg, 1);
  const reference = sft.clone(false);
  const policy = sft.clone(true);
  sft.dispose();
  const pairs = syntheticPairs(o.pairs ?? 256, vocab, 7);
  const collate = { padId: vocab - 1, maxLength: BLOCK_SIZE };
  const t0 = performance.now();
  const log = (stage: string) => o.log?.(`${stage} (${(performance.now() - t0).toFixed(0)} ms)`);
  const refLogps = await precomputeReference(reference, pairs, collate, 16);
  log('π_ref cached');
  const settings = { ...DEFAULT_DPO_SETTINGS, seed: 3 };
  const trainer = new PreferenceTrainer(policy, pairs, refLogps, settings, collate);
  const B = settings.batchSize;

  // The batches the trainer will draw, replayed from the same seeded order for token counts.
  const shadow = new PreferenceTrainer(policy, pairs, refLogps, settings, collate);
  const peek = (shadow as unknown as { nextIndices(): number[] }).nextIndices.bind(shadow);

  const memory: MemoryReading[] = [];
  const times: number[] = [];
  const paddedT: number[] = [];
  let nonPad = 0;
  let firstStepMs = Number.NaN;
  let stepping = 0;
  let s = 0;
  const minSteps = Math.max(10, o.warmupSteps + 20);
  while (s < o.totalSteps) {
    if (s >= minSteps && o.stepBudgetMs !== undefined && stepping > o.stepBudgetMs) break;
    const batch = collatePairs(
      peek().map((i) => pairs[i] as TokenizedPair),
      collate,
    );
    const t0 = performance.now();
    await trainer.trainStep((s + 1) % settings.logEvery === 0); // logs as the app does
    await sync(policy);
    const ms = performance.now() - t0;
    stepping += ms;
    s++;
    if (s <= 2 || s % 100 === 0) log(`step ${s}`);
    if (s === 1) firstStepMs = ms;
    if (s === 2) {
      if (o.maxStepMs !== undefined && ms > o.maxStepMs) {
        trainer.dispose();
        shadow.dispose();
        policy.dispose();
        reference.dispose();
        throw new TooSlowError(ms, o.maxStepMs);
      }
    } else if (s > o.warmupSteps) {
      times.push(ms);
      paddedT.push(batch.length);
      nonPad += batch.attentionMask.reduce((a, b) => a + b, 0);
    }
    if (s === 10) memory.push({ step: s, ...pick(tf.memory()) });
  }
  memory.push({ step: s, ...pick(tf.memory()) });
  shadow.dispose();

  const stepMs = spread(times);
  const T = spread(paddedT).median;
  const rows = 2 * B;
  const flopsPerStep = trainStepFlops(cfg, rows, T);
  const achievedGflops = gflops(flopsPerStep, stepMs.median);
  const nonPadTokensPerStep = nonPad / times.length;

  log(`${s} steps`);
  // The model's own matMul shapes: [rows·T, C]×[C, 4C] (MLP) and [rows·T, C]×[C, V] (head).
  const M = rows * Math.round(T);
  const matmul = [
    await matmulThroughput(M, cfg.nEmbd, 4 * cfg.nEmbd, o.matmulRepeats),
    await matmulThroughput(M, cfg.nEmbd, vocab, o.matmulRepeats),
  ];
  const matmulGflops = Math.max(...matmul.map((m) => m.gflops));

  const prompts = pairs.slice(0, o.sampling.prompts).map((p) => p.prompt.slice(0, 8));
  const gen = { temperature: 1, topK: 0, topP: 1, seed: 5, eotId: -1 };
  log('matMul');
  await generate(policy, prompts.slice(0, 2), { ...gen, maxNewTokens: 2 }); // warm-up
  // Median of three timed runs (a shared machine's load moves single readings).
  const genTimes: number[] = [];
  let generated = 0;
  for (let r = 0; r < 3; r++) {
    const g0 = performance.now();
    const out = await generate(policy, prompts, { ...gen, maxNewTokens: o.sampling.newTokens });
    genTimes.push(performance.now() - g0);
    generated = out.tokens.reduce((a, t) => a + t.length, 0);
  }
  const genMs = spread(genTimes).median;

  trainer.dispose();
  policy.dispose();
  reference.dispose();
  const first = memory[0];
  const last = memory[memory.length - 1];
  return {
    preset: o.preset,
    backend: tf.getBackend(),
    config: {
      nLayer: cfg.nLayer,
      nHead: cfg.nHead,
      nEmbd: cfg.nEmbd,
      vocabSize: cfg.vocabSize,
      blockSize: cfg.blockSize,
    },
    params: parameterCount(cfg),
    pairsPerStep: B,
    rows,
    paddedT: T,
    nonPadTokensPerStep,
    firstStepMs,
    stepMs,
    tokensPerSecond: nonPadTokensPerStep / (stepMs.median / 1000),
    flopsPerStep,
    achievedGflops,
    matmul,
    matmulGflops,
    efficiency: achievedGflops / matmulGflops,
    matmulFloorMs: flopsPerStep / (matmulGflops * 1e6),
    sampling: {
      prompts: prompts.length,
      newTokens: o.sampling.newTokens,
      ms: genMs,
      tokensPerSecond: generated / (genMs / 1000),
    },
    memory,
    tensorGrowth: (last?.numTensors ?? 0) - (first?.numTensors ?? 0),
    byteGrowth: (last?.numBytes ?? 0) - (first?.numBytes ?? 0),
    stepsRun: s,
  };
}

function pick(m: tf.MemoryInfo): { numTensors: number; numBytes: number } {
  return { numTensors: m.numTensors, numBytes: m.numBytes };
}
