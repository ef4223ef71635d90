/**
 * A DPO run's evaluation: reward and KL of fresh π_θ samples on held-out prompts, against
 * π_ref's level (measured once, the dashed line), as a metrics point and sample views.
 */
import { plainSampling } from '../model/generate';
import type { GPT } from '../model/gpt';
import { fluency } from '../task/fluency';
import type { BpeTokenizer } from '../tokenizer/bpe';
import { compareModels, evaluatePolicy } from './evaluate';
import type { DpoRunSettings } from './settings';
import type { MetricPoint, SampleView } from './views';

/** π_ref's evaluation level and samples, measured once per run (kept across a rebuild). */
export interface ReferenceLevel {
  level: number;
  samples: { text: string; reward: number; cut?: boolean }[];
}

export interface DpoEvalInput {
  policy: GPT;
  /** The SFT model, frozen: `eval/kl` is to it. */
  reference: GPT;
  /** TR-DPO's moving reference: `eval/kl_ref` is to it. */
  syncRef: GPT | null;
  tokenizer: BpeTokenizer;
  evalPrompts: string[];
  reward?: (completion: string, prompt: string) => number;
  settings: DpoRunSettings;
  step: number;
  /** null: measured now (and returned). */
  refLevel: ReferenceLevel | null;
}

export interface DpoEvalResult {
  point: MetricPoint;
  samples: SampleView[];
  refLevel: ReferenceLevel;
  /** Exact KL to the SFT model; the caller checks it is finite. */
  kl: number;
}

/**
 * Share of π_θ's and π_ref's sampled words in the task's corpus vocabulary (task/fluency.ts);
 * left out while either has no whole word to count (NaN would read as a fault).
 */
function fluencyMetrics(policy: number, ref: number): Record<string, number> {
  return Number.isFinite(policy) && Number.isFinite(ref)
    ? { 'eval/fluency': policy, 'eval/ref_fluency': ref }
    : {};
}

export async function evaluateDpo(x: DpoEvalInput): Promise<DpoEvalResult> {
  const { tokenizer, evalPrompts, settings } = x;
  const reward = x.reward ?? (() => Number.NaN);
  const prompts = evalPrompts
    .slice(0, settings.eval.prompts)
    .map((p) => [tokenizer.eot, ...tokenizer.encode(p)]);
  const generation = plainSampling({
    temperature: settings.eval.temperature,
    maxNewTokens: settings.eval.maxNewTokens,
    seed: settings.seed + 7919 * (x.step + 1),
    eotId: tokenizer.eot,
  });
  const decode = (ids: number[]) => tokenizer.decode(ids);
  const opts = { generation, padId: tokenizer.eot, decode, reward };
  let refLevel = x.refLevel;
  if (!refLevel) {
    // π_ref's level, measured once with its own samples (the dashed line).
    const ref = await evaluatePolicy(x.reference, x.reference, prompts, opts);
    refLevel = {
      level: ref.reward,
      samples: ref.samples.map((s) => ({ text: s.text, reward: s.reward, cut: s.cut })),
    };
  }
  const refSamples = refLevel.samples;
  const r = await evaluatePolicy(x.policy, x.reference, prompts, opts);
  const klRef =
    x.syncRef && Number.isFinite(r.kl)
      ? await meanKl(x.policy, x.syncRef, r.samples, tokenizer.eot)
      : null;
  const point: MetricPoint = {
    step: x.step,
    phase: 'dpo',
    ...(x.reward
      ? {
          'eval/reward': r.reward,
          'eval/ref_reward': refLevel.level,
          ...fluencyMetrics(r.fluency, fluency(refSamples)),
        }
      : {}),
    'eval/kl': r.kl,
    'eval/kl_sample': r.klSample,
    ...(klRef === null ? {} : { 'eval/kl_ref': klRef }),
  };
  const samples = r.samples.map((s, i) => ({
    prompt: evalPrompts[i] ?? '',
    promptIds: s.prompt,
    tokens: s.tokens,
    tokenTexts: s.tokens.map((id) => tokenizer.tokenText(id)),
    policyLogps: s.policyLogps,
    refLogps: s.refLogps,
    text: s.text,
    reward: s.reward,
    refText: refSamples[i]?.text ?? '',
    refReward: refSamples[i]?.reward ?? Number.NaN,
  }));
  return { point, samples, refLevel, kl: r.kl };
}

/** Mean over samples of the exact summed per-token KL(π_θ ‖ model) of their completions. */
async function meanKl(
  policy: GPT,
  model: GPT,
  samples: { prompt: number[]; tokens: number[] }[],
  padId: number,
): Promise<number> {
  if (samples.length === 0) return Number.NaN;
  const rows = samples.map((s) => ({ prompt: s.prompt, completion: s.tokens }));
  const { kl } = await compareModels(policy, model, rows, padId);
  return kl.reduce((a, k) => a + k.reduce((x, y) => x + y, 0), 0) / samples.length;
}
