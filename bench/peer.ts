/**
 * The peer: @genai-fi/nanogpt 1.3.0 training a GPT of the same size (layers, heads, width,
 * vocab, block 64; learned positions, no RoPE) on rows × T tokens per step, the same token
 * count as our DPO step, through its own BasicTrainer.trainStep (AdamW, its custom WebGPU
 * kernels where it registers them). It bundles its own tfjs copy, so it runs alone in its own
 * page or process, never beside our tfjs. No Node or DOM imports.
 */
import { models, TeachableLLM } from '@genai-fi/nanogpt';
import BasicTrainer from '../node_modules/@genai-fi/nanogpt/dist/training/BasicTrainer.js';
import { type Spread, spread } from '../src/bench/stats';
import { PRESETS } from '../src/model/config';
import { mulberry32 } from '../src/model/rng';
import { type BenchPreset, BLOCK_SIZE, PRESET_VOCAB } from './presets';

export interface PeerOptions {
  preset: BenchPreset;
  backend: 'webgpu' | 'webgl' | 'cpu';
  rows: number;
  T: number;
  warmupSteps: number;
  timedSteps: number;
  /** Give up when the second step (shaders compiled) takes longer. */
  maxStepMs?: number;
}

export interface PeerResult {
  preset: BenchPreset;
  backend: string;
  params: number;
  rows: number;
  T: number;
  firstStepMs: number;
  stepMs: Spread;
  /** rows·T / step time: every position is a training token for the peer. */
  tokensPerSecond: number;
}

/** The slice of the peer's tfjs tensor API this file touches. */
type PeerTensor = { data(): Promise<unknown>; dispose(): void };
type PeerTrainer = {
  trainStep(state: object, batch: { xs: unknown; ys: unknown }): PeerTensor;
  dispose(): void;
};

/**
 * The tfjs engine the peer's bundled copy made (tfjs keeps one per global object, as
 * `_tfengine`): its makeTensor builds tensors of the peer's own class without a second tfjs.
 */
function peerEngine(): { makeTensor(v: Int32Array, shape: number[], dtype: 'int32'): PeerTensor } {
  const engine = (globalThis as { _tfengine?: unknown })._tfengine;
  if (!engine) throw new Error("the peer's tfjs engine is not initialised");
  return engine as ReturnType<typeof peerEngine>;
}

/** Random next-token batch: xs [rows, T], ys = xs shifted left (a language-model batch). */
function makeBatch(rows: number, T: number, vocab: number, seed: number) {
  const rand = mulberry32(seed + 1);
  const seq = Int32Array.from({ length: rows * (T + 1) }, () => Math.floor(rand() * vocab));
  const xs = new Int32Array(rows * T);
  const ys = new Int32Array(rows * T);
  for (let r = 0; r < rows; r++) {
    xs.set(seq.subarray(r * (T + 1), r * (T + 1) + T), r * T);
    ys.set(seq.subarray(r * (T + 1) + 1, (r + 1) * (T + 1)), r * T);
  }
  const engine = peerEngine();
  return {
    xs: engine.makeTensor(xs, [rows, T], 'int32'),
    ys: engine.makeTensor(ys, [rows, T], 'int32'),
  };
}

export async function runPeer(o: PeerOptions): Promise<PeerResult> {
  await TeachableLLM.selectBackend(o.backend);
  const shape = PRESETS[o.preset];
  const model = new models.NanoGPTV1({
    modelType: 'GenAI_NanoGPT_v1',
    vocabSize: PRESET_VOCAB[o.preset],
    blockSize: BLOCK_SIZE,
    nLayer: shape.nLayer,
    nHead: shape.nHead,
    nEmbed: shape.nEmbd,
    mlpFactor: 4,
    useRope: false,
  });
  const tokenizer = {} as ConstructorParameters<typeof BasicTrainer>[1]; // unused by trainStep
  const trainer = new BasicTrainer(model, tokenizer, {
    learningRate: 5e-4,
  }) as unknown as PeerTrainer;
  const times: number[] = [];
  let firstStepMs = Number.NaN;
  for (let s = 0; s < o.warmupSteps + o.timedSteps; s++) {
    const { xs, ys } = makeBatch(o.rows, o.T, PRESET_VOCAB[o.preset], s);
    const t0 = performance.now();
    const loss = trainer.trainStep({}, { xs, ys });
    await loss.data();
    const ms = performance.now() - t0;
    loss.dispose();
    xs.dispose();
    ys.dispose();
    if (s === 0) firstStepMs = ms;
    if (s === 1) {
      if (o.maxStepMs !== undefined && ms > o.maxStepMs) {
        trainer.dispose();
        model.dispose();
        throw new Error(
          `too slow here: second step ${(ms / 1000).toFixed(1)} s > ` +
            `${(o.maxStepMs / 1000).toFixed(0)} s limit`,
        );
      }
    } else if (s >= o.warmupSteps) times.push(ms);
  }
  const params = model.getNumParams();
  trainer.dispose();
  model.dispose();
  const stepMs = spread(times);
  return {
    preset: o.preset,
    backend: o.backend,
    params,
    rows: o.rows,
    T: o.T,
    firstStepMs,
    stepMs,
    tokensPerSecond: (o.rows * o.T) / (stepMs.median / 1000),
  };
}
