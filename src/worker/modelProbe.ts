/**
 * The speed probe behind the default model: times a training step of each shipped size on the
 * backend in use (a freshly initialised model: the weights do not change the time), smallest
 * first, and skips a size its smaller neighbour already shows to be too slow.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPTConfig } from '../model/config';
import { GPT } from '../model/gpt';
import { makeOptimizer } from '../pipeline/optim';
import { sftStep } from '../pipeline/sftStep';
import { batchTensors } from '../pipeline/train/tensors';
import {
  maxStepMs,
  PROBE_ROWS,
  PROBE_TOKENS,
  type ProbeTiming,
  SHIPPED_MODELS,
  type ShippedModel,
  worthProbing,
} from '../share/models';

/**
 * Mean time (ms) of `timed` steps after one warm-up step (kernel compilation, caches); the
 * warm-up's own time when that alone took over `slowMs`.
 */
export async function timeTrainingStep(
  config: GPTConfig,
  timed = 2,
  slowMs = Number.POSITIVE_INFINITY,
): Promise<number> {
  const model = GPT.create(config, 0);
  const optimizer = makeOptimizer({ kind: 'adam', lr: 1e-4, warmupSteps: 0, maxGradNorm: 10 });
  const n = PROBE_ROWS * PROBE_TOKENS;
  const t = batchTensors({
    length: PROBE_TOKENS,
    ids: Int32Array.from({ length: n }, (_, i) => (i * 7919) % config.vocabSize),
    attentionMask: new Float32Array(n).fill(1),
    completionMask: new Float32Array(n).fill(1),
  });
  // A step reads its loss back, as a logged DPO step does: the time includes the device sync.
  const step = async () => {
    const packed = sftStep(model, optimizer, t, 10);
    await packed.data();
    packed.dispose();
  };
  try {
    const w0 = performance.now();
    await step();
    const warmUp = performance.now() - w0;
    // A warm-up far past any step that could fit (a software GPU compiling its shaders) is
    // answer enough: timing more steps would only delay the page.
    if (warmUp > slowMs) return warmUp;
    const t0 = performance.now();
    for (let i = 0; i < timed; i++) await step();
    return (performance.now() - t0) / timed;
  } finally {
    tf.dispose([t.ids, t.attentionMask, t.completionMask]);
    optimizer.dispose();
    model.dispose();
  }
}

/** Step times of the shipped models (null: not timed, too slow by extrapolation). */
export async function probeModels(
  models: readonly ShippedModel[],
  demoSteps: number,
  time: (config: GPTConfig) => Promise<number> = (c) =>
    timeTrainingStep(c, 2, 4 * maxStepMs(demoSteps)),
): Promise<ProbeTiming[]> {
  const out: ProbeTiming[] = [];
  let last: { model: ShippedModel; stepMs: number } | null = null;
  for (const model of models) {
    if (last && !worthProbing(model, last, demoSteps)) {
      out.push({ preset: model.preset, stepMs: null });
      continue;
    }
    const stepMs = await time(model.config);
    out.push({ preset: model.preset, stepMs });
    last = { model, stepMs };
  }
  return out;
}

/** The worker's answer to 'probe-models': every shipped size, on the backend in use. */
export async function probeShippedModels(
  demoSteps: number,
): Promise<{ timings: ProbeTiming[]; backend: string }> {
  return { timings: await probeModels(SHIPPED_MODELS, demoSteps), backend: tf.getBackend() };
}
