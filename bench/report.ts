/** The bench's table (text and Markdown) from its per-configuration results. */
import { type Cell, fmt, markdownTable, textTable } from '../src/bench/table';
import type { HarnessResult } from './harness';
import type { PeerResult } from './peer';
import type { TorchMinimalResult, TorchResult } from './torchRow';

export interface ConfigResult {
  runtime: string;
  backend: string;
  preset: string;
  ours?: HarnessResult;
  /** Why this configuration has no result. */
  skipped?: string;
  peer?: PeerResult;
  peerSkipped?: string;
  /** The PyTorch CPU row's result (runtime python, backend torch-cpu; bench/torchRow.ts). */
  torch?: TorchResult;
  /** The minimal PyTorch loop's step and KV-cache sampling (backend torch-cpu-minimal). */
  torchMinimal?: TorchMinimalResult;
}

const HEADERS = [
  'runtime',
  'backend',
  'preset',
  'params',
  'first ms',
  'step ms (p10–p90)',
  'tok/s',
  'GFLOP/s',
  'matMul GFLOP/s',
  'eff %',
  'sample tok/s',
  'tensors @10→@N (N)',
  'peer step ms',
  'peer tok/s',
  'ours/peer',
];

function row(r: ConfigResult): Cell[] {
  const tm = r.torchMinimal;
  if (tm) {
    const step = `${fmt(tm.stepMs.median)} (${fmt(tm.stepMs.p10)}–${fmt(tm.stepMs.p90)})`;
    return [
      r.runtime,
      r.backend,
      r.preset,
      null,
      null,
      step,
      null,
      null,
      null,
      null,
      tm.sampling.tokensPerSecond,
    ];
  }
  const t = r.torch;
  if (t) {
    const step = `${fmt(t.stepMs.median)} (${fmt(t.stepMs.p10)}–${fmt(t.stepMs.p90)})`;
    const [gf, mm, eff] = [t.achievedGflops, t.matmulGflops, 100 * t.efficiency];
    return [
      r.runtime,
      r.backend,
      r.preset,
      t.params,
      t.firstStepMs,
      step,
      t.tokensPerSecond,
      gf,
      mm,
      eff,
    ];
  }
  const o = r.ours;
  if (!o) return [r.runtime, r.backend, r.preset, null, r.skipped ?? 'no result'];
  const m10 = o.memory[0];
  const mN = o.memory[o.memory.length - 1];
  // Same rows × T per step for both: the ratio of step times is the ratio of tokens/s.
  const ratio = r.peer ? r.peer.stepMs.median / o.stepMs.median : null;
  return [
    r.runtime,
    r.backend,
    r.preset,
    o.params,
    o.firstStepMs,
    `${fmt(o.stepMs.median)} (${fmt(o.stepMs.p10)}–${fmt(o.stepMs.p90)})`,
    o.tokensPerSecond,
    o.achievedGflops,
    o.matmulGflops,
    100 * o.efficiency,
    o.sampling.tokensPerSecond,
    `${m10?.numTensors}→${mN?.numTensors} (${mN?.step})`,
    r.peer ? r.peer.stepMs.median : (r.peerSkipped ?? null),
    r.peer ? r.peer.tokensPerSecond : null,
    ratio,
  ];
}

function notes(meta: Record<string, unknown>): string[] {
  const m = meta.machine as Record<string, unknown> | undefined;
  const ui = meta.responsiveness as Record<string, unknown> | undefined;
  return [
    `Machine: ${m?.cpuModel}, ${m?.cores} cores, ${m?.ramGiB} GiB RAM; Node ${m?.node}; ` +
      `Chromium ${meta.browser ?? '–'}; WebGPU adapter ${JSON.stringify(meta.adapter ?? null)}; ` +
      `commit ${String(m?.gitCommit).slice(0, 10)}${m?.gitDirty ? ' (uncommitted changes)' : ''}; ${m?.date}.`,
    'Step: PreferenceTrainer, 8 pairs (16 rows) of synthetic pairs (prompt 4–16, completions ' +
      '4–16 tokens), block 64, π_ref cached; median after 3 warm-up steps, synced each step.',
    'tok/s: non-pad tokens per step / median step. GFLOP/s: rows·T·(6·N_mm + 12·L·T·C) / step ' +
      '(N_mm: matMul weights incl. tied head). matMul: best of [rows·T, C]×[C, 4C] and ' +
      '[rows·T, C]×[C, V], median of repeats. eff = GFLOP/s / matMul GFLOP/s.',
    'torch-cpu: python/bench_step.py, the same step in PyTorch (same model, rows × T, DPO ' +
      'sigmoid, π_ref cached, clip 10, Adam) with torch threads = cores; matMul = torch.mm. ' +
      'torch-cpu-minimal: python/bench_minimal.py, the same step as a functional loop, and ' +
      'sampling 64 prompts × 16 tokens (temperature 1, KV cache), as the app (sample tok/s).',
    'Headline: app ÷ PyTorch = app step ms / the faster PyTorch step ms of this run; matMul ' +
      'floor = the step FLOPs at the matMul GFLOP/s read in the same process after the steps; ' +
      'app ÷ PyTorch sampling = PyTorch sample tok/s / app sample tok/s.',
    'Peer: @genai-fi/nanogpt 1.3.0 NanoGPTV1 (same L, heads, C, V, block; no RoPE), its ' +
      'BasicTrainer step on the same rows × T; ours/peer = peer step ms / our step ms.',
    ui
      ? `App main thread while training the default demo (${ui.backend ?? '?'}): ` +
        (ui.error
          ? `error: ${ui.error}`
          : `${ui.seconds} s, ${ui.stepsTrained} steps, ${ui.over50ms} tasks > 50 ms, ` +
            `longest ${fmt(ui.longestMs as number)} ms.`)
      : 'App main thread: not measured.',
  ];
}

const HEADLINE = [
  'preset',
  'app',
  'step ms',
  'matMul floor ms',
  'PyTorch step ms (bench_step / minimal)',
  'app ÷ PyTorch step',
  'app ÷ floor',
  'sample tok/s',
  'PyTorch sample tok/s',
  'app ÷ PyTorch sampling',
];

/**
 * The headline: per preset and app configuration, step and sampling time over PyTorch's from
 * the same run (the faster of the two PyTorch steps), and over the step's matMul floor
 * (its FLOPs at the matMul rate read in the same process, after the steps).
 */
function headlineRows(results: ConfigResult[]): Cell[][] {
  const rows: Cell[][] = [];
  for (const r of results) {
    const o = r.ours;
    if (!o) continue;
    const same = (b: string) => results.find((x) => x.preset === r.preset && x.backend === b);
    const t = same('torch-cpu')?.torch;
    const tm = same('torch-cpu-minimal')?.torchMinimal;
    const steps = [t?.stepMs.median, tm?.stepMs.median].filter((x): x is number => x !== undefined);
    const best = steps.length ? Math.min(...steps) : null;
    const which =
      best === null
        ? ''
        : best === tm?.stepMs.median
          ? ' (minimal faster)'
          : ' (bench_step faster)';
    const sample = tm?.sampling.tokensPerSecond;
    rows.push([
      r.preset,
      `${r.runtime} ${r.backend}`,
      o.stepMs.median,
      o.matmulFloorMs,
      `${fmt(t?.stepMs.median)} / ${fmt(tm?.stepMs.median)}${which}`,
      best === null ? null : o.stepMs.median / best,
      o.stepMs.median / o.matmulFloorMs,
      o.sampling.tokensPerSecond,
      sample ?? null,
      sample ? sample / o.sampling.tokensPerSecond : null,
    ]);
  }
  return rows;
}

export function textReport(meta: Record<string, unknown>, results: ConfigResult[]): string {
  return (
    `${textTable(HEADLINE, headlineRows(results))}\n\n` +
    `${textTable(HEADERS, results.map(row))}\n\n${notes(meta).join('\n')}`
  );
}

export function markdownReport(meta: Record<string, unknown>, results: ConfigResult[]): string {
  const list = notes(meta)
    .map((n) => `- ${n}`)
    .join('\n');
  return (
    `${markdownTable(HEADLINE, headlineRows(results))}\n\n` +
    `${markdownTable(HEADERS, results.map(row))}\n\n${list}\n`
  );
}
