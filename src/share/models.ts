/**
 * The shipped SFT checkpoints and the choice of the default one for this machine: a short probe
 * in the worker times a training step of each size on the chosen backend, and the largest
 * whose default demo fits the time budget wins. Pure; no tfjs (the UI imports it).
 */
import { type GPTConfig, PRESETS, type PresetName, parameterCount } from '../model/config';

export interface ShippedModel {
  preset: PresetName;
  /** File under public/checkpoints/. */
  file: string;
  /** The checkpoint's config (what the probe builds to time a step). */
  config: GPTConfig;
}

const shipped = (preset: PresetName, vocabSize: number): ShippedModel => ({
  preset,
  file: `sft-${preset}.json`,
  config: { ...PRESETS[preset], vocabSize, blockSize: 64, dropout: 0, layerNormEps: 1e-5 },
});

/** Smallest first. nano: `npm run pretrain`; micro: `npm run pretrain:torch -- --preset micro`. */
export const SHIPPED_MODELS: readonly ShippedModel[] = [
  shipped('nano', 512),
  shipped('micro', 1024),
];

/** The demo (page load → a visible reward gain) should take at most this long. */
export const DEMO_BUDGET_SECONDS = 180;

/** The probe's step: a DPO step's policy forward + backward + Adam on 16 rows of 32 tokens. */
export const PROBE_ROWS = 16;
export const PROBE_TOKENS = 32;

/**
 * Demo time ≈ training steps × probe step time × (1 + overhead), from page load to the last
 * evaluation. Calibrated on the default demo (60 steps in 3 online rounds, 4 evaluations) in
 * headless Chromium on WASM here, three runs: 36 s from page load with the probe's micro step
 * at 249 ms, 57 s at 332 ms, 65 s at 310 ms, i.e. 2.4, 2.9 and 3.5 × the training alone (the
 * probe's 3 steps are noisy on a shared machine); the largest, so the estimate errs long.
 * Sampling is most of the rest: each round samples 256
 * completions, each evaluation 64 from π_θ (and π_ref once), token by token. Longer demos
 * (more steps per round) are overestimated, which errs towards the smaller model.
 */
const DEMO_OVERHEAD = 2.5;

export function estimateDemoSeconds(stepMs: number, steps: number): number {
  return (stepMs / 1000) * steps * (1 + DEMO_OVERHEAD);
}

/** The longest step time (ms) at which a demo of `steps` steps still fits the budget. */
export function maxStepMs(steps: number, budgetSeconds = DEMO_BUDGET_SECONDS): number {
  return (budgetSeconds * 1000) / (Math.max(1, steps) * (1 + DEMO_OVERHEAD));
}

/** A probe result: the median step time, or null when the size was not timed. */
export interface ProbeTiming {
  preset: PresetName;
  stepMs: number | null;
}

/**
 * Whether to time `next` after the smaller `timed`: skipped when the smaller model's time,
 * scaled by the square root of the parameter ratio, already puts the demo over twice the
 * budget (a slow probe delays the page). Not the ratio itself: at these sizes fixed per-step
 * costs dominate, and micro's step measured 1.2–3.3 × nano's in the browser here for 5 × the
 * parameters, so the full ratio skipped micro on a busy machine where it would have fitted.
 */
export function worthProbing(
  next: ShippedModel,
  timed: { model: ShippedModel; stepMs: number },
  steps: number,
  budgetSeconds = DEMO_BUDGET_SECONDS,
): boolean {
  const ratio = Math.sqrt(parameterCount(next.config) / parameterCount(timed.model.config));
  return estimateDemoSeconds(timed.stepMs * ratio, steps) <= 2 * budgetSeconds;
}

export interface ModelChoice {
  preset: PresetName;
  /** One sentence for Stage 1: what was measured and why this size. */
  reason: string;
  estimates: { preset: PresetName; seconds: number | null }[];
}

/**
 * The largest shipped model whose estimated demo fits the budget; the smallest when none does
 * (or nothing was timed). `steps`: the DPO steps of the default demo.
 */
export function chooseModel(
  models: readonly ShippedModel[],
  timings: readonly ProbeTiming[],
  steps: number,
  budgetSeconds = DEMO_BUDGET_SECONDS,
): ModelChoice {
  const first = models[0];
  if (!first) throw new Error('no shipped model to choose from');
  const estimates = models.map((m) => {
    const ms = timings.find((t) => t.preset === m.preset)?.stepMs ?? null;
    return { preset: m.preset, seconds: ms === null ? null : estimateDemoSeconds(ms, steps) };
  });
  const fits = (e: (typeof estimates)[number]) => e.seconds !== null && e.seconds <= budgetSeconds;
  const bestIndex = estimates.findLastIndex(fits);
  const best = estimates[bestIndex];
  const s = (x: number) => `${Math.round(x)} s`;
  // The next size up: too slow when timed, or not timed (its smaller neighbour was too slow).
  const next = estimates[bestIndex + 1];
  const overText = !next
    ? ''
    : next.seconds === null
      ? `; ${next.preset} was not timed (too slow by extrapolation)`
      : `; ${next.preset} would take ≈ ${s(next.seconds)}`;
  if (!best || best.seconds === null) {
    const timed = estimates.find((e) => e.seconds !== null);
    return {
      preset: first.preset,
      reason: timed?.seconds
        ? `the smallest: even ${timed.preset}'s demo would take ≈ ${s(timed.seconds)} here, over ${s(budgetSeconds)}`
        : 'the smallest: the speed probe did not finish',
      estimates,
    };
  }
  return {
    preset: best.preset,
    reason: `the largest whose ${steps}-step demo fits ${s(budgetSeconds)} here: ≈ ${s(best.seconds)}${overText}`,
    estimates,
  };
}
