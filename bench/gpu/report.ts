/**
 * The GPU bundle's report: the results file name, the two speed goals judged from a
 * run, and the Markdown for the demo and the goals. Pure (no tfjs, no I/O): the bundle's driver
 * (bench/gpu/main.ts) and its test both use it.
 */

import { fmt, markdownTable } from '../../src/bench/table';
import type { HarnessResult } from '../harness';
import type { ConfigResult } from '../report';
import type { DemoResult } from './demo';

/** A file-name-safe device label: "NVIDIA H200" → "nvidia-h200"; at most 40 characters. */
export function deviceSlug(adapter: Record<string, string> | null): string {
  const words = adapter
    ? adapter.description || `${adapter.vendor ?? ''} ${adapter.architecture ?? ''}`
    : 'no-adapter';
  const slug = words
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug || 'unknown-gpu';
}

/** The goals: the DPO step at ≥ 50 % of the backend's own matMul rate on mini; the
 * default demo reaching its reward gain in < 60 s. null: not measured in this run. */
export interface GoalVerdicts {
  miniEfficiency: number | null;
  miniEfficiencyMet: boolean | null;
  demoSecondsToGain: number | null;
  demoGainMet: boolean | null;
}

const GOAL_EFFICIENCY = 0.5;
const GOAL_DEMO_SECONDS = 60;

export function goalVerdicts(
  bench: ConfigResult[],
  demo: DemoResult | null,
  demoIsDefault: boolean,
): GoalVerdicts {
  const mini: HarnessResult | undefined = bench.find((r) => r.preset === 'mini')?.ours;
  const eff = mini ? mini.efficiency : null;
  const gain = demoIsDefault && demo ? demo.secondsToRewardGain : null;
  return {
    miniEfficiency: eff,
    miniEfficiencyMet: eff === null ? null : eff >= GOAL_EFFICIENCY,
    demoSecondsToGain: gain,
    // A default demo that finished without a gain has missed the goal, not skipped it.
    demoGainMet: demoIsDefault && demo ? gain !== null && gain < GOAL_DEMO_SECONDS : null,
  };
}

const yesNo = (v: boolean | null) => (v === null ? 'not measured' : v ? '**met**' : 'not met');

export function goalsMarkdown(g: GoalVerdicts): string {
  return markdownTable(
    ['goal', 'this run', 'verdict'],
    [
      [
        'DPO step ≥ 50 % of the matMul rate, mini, WebGPU',
        g.miniEfficiency === null ? null : `${fmt(100 * g.miniEfficiency)} %`,
        yesNo(g.miniEfficiencyMet),
      ],
      [
        'default demo: reward gain in < 60 s (process start → first eval above π_ref)',
        g.demoSecondsToGain === null ? null : `${fmt(g.demoSecondsToGain)} s`,
        yesNo(g.demoGainMet),
      ],
    ],
  );
}

export function demoMarkdown(d: DemoResult): string {
  const s = d.settings;
  const head = `${s.prompts} prompts × ${s.completions} completions → ${d.pairs} pairs, ${s.steps} steps of ${s.batchSize} pairs, backend ${d.backend}`;
  const timeline = markdownTable(
    [
      'checkpoint s',
      'pairs s',
      'ready s',
      'accuracy ≥ 0.9 s',
      'reward gain s',
      'done s',
      'step ms',
    ],
    [
      [
        d.secondsToCheckpoint,
        d.secondsToPairs,
        d.secondsToReady,
        d.secondsToAccuracy90,
        d.secondsToRewardGain,
        d.secondsToDone,
        d.stepMsMedian,
      ],
    ],
  );
  const evals = markdownTable(
    ['step', 'reward', 'π_ref reward', 'KL', 's'],
    d.evaluations.map((e) => [e.step, e.reward, e.refReward, e.kl, e.seconds]),
  );
  return [
    head,
    '',
    timeline,
    '',
    `First loss ${fmt(d.firstLoss, 4)} (ln 2 = 0.6931); final accuracy ${fmt(d.finalAccuracy)}, margin ${fmt(d.finalMargin)}.`,
    '',
    evals,
  ].join('\n');
}
