/**
 * Which shipped SFT checkpoint the page loads: the one in the link (`model=`), else the
 * speed probe's choice (share/models.ts), else nano until the probe answers. Pure helpers.
 */
import type { PresetName } from '../model/config';
import { chooseModel, type ProbeTiming, SHIPPED_MODELS } from '../share/models';
import { softwareAdapter } from '../worker/backendChoice';
import type { AdapterInfo } from '../worker/protocol';

/** What Stage 1 shows: the model in use, how it was picked, and why. */
export interface ModelChoiceView {
  preset: PresetName;
  how: 'probe' | 'link' | 'user';
  reason: string;
}

function isShipped(preset: string): preset is PresetName {
  return SHIPPED_MODELS.some((m) => m.preset === preset);
}

export function checkpointUrl(base: string, preset: PresetName): string {
  const m = SHIPPED_MODELS.find((x) => x.preset === preset) ?? SHIPPED_MODELS[0];
  return `${base}checkpoints/${m?.file ?? 'sft-nano.json'}`;
}

/** The shipped model named in the link's `model=`, or null (absent, or not shipped). */
export function modelInLink(search: string, preset: PresetName): PresetName | null {
  return new URLSearchParams(search).has('model') && isShipped(preset) ? preset : null;
}

/** The probe's answer as Stage 1 shows it. */
export function probeChoice(
  timings: readonly ProbeTiming[],
  backend: string,
  demoSteps: number,
): ModelChoiceView {
  const c = chooseModel(SHIPPED_MODELS, timings, demoSteps);
  const measured = timings
    .filter((t) => t.stepMs !== null)
    .map((t) => `${t.preset} ${Math.round(t.stepMs ?? 0)} ms`)
    .join(', ');
  return {
    preset: c.preset,
    how: 'probe',
    reason: `${c.reason} (a training step on ${backend}: ${measured || 'none timed'})`,
  };
}

/**
 * No probe on WebGPU over a software adapter (only when forced: `?backend=webgpu`): its first
 * training step compiles for a minute or more here, and a nano step alone takes seconds
 * (2.5 s in `npm run bench`, so even nano's demo is over the budget). The smallest, untimed.
 */
export function softwareGpuChoice(
  backend: string,
  adapter: AdapterInfo | null,
): ModelChoiceView | null {
  const name =
    backend === 'webgpu' && adapter && softwareAdapter({ ...adapter, isFallbackAdapter: false });
  if (!name) return null;
  const smallest = SHIPPED_MODELS[0]?.preset ?? 'nano';
  return {
    preset: smallest,
    how: 'probe',
    reason: `the smallest, not timed: WebGPU runs on ${name} here, a GPU emulated on the CPU, where a training step takes seconds`,
  };
}
