/**
 * The bench's PyTorch CPU rows: python/bench_step.py (the same DPO step, shapes and optimiser
 * as the app's, nn.Module style) and python/bench_minimal.py (the same step as a minimal
 * functional loop, and KV-cache sampling of 64 prompts × 16 tokens), run through the project's
 * venv (.venv, made by `bash scripts/py-env.sh`), one process per preset and script. No tfjs
 * here. Missing Python or torch gives a row saying why.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { gflops, trainStepFlops } from '../src/bench/flops';
import { makeConfig, parameterCount } from '../src/model/config';
import { type BenchPreset, BLOCK_SIZE, PRESET_VOCAB } from './presets';
import type { ConfigResult } from './report';

const VENV_PYTHON = '.venv/bin/python';

/** What python/bench_step.py prints, plus the figures derived here. */
export interface TorchResult {
  torch: string;
  threads: number;
  rows: number;
  paddedT: number;
  firstStepMs: number;
  stepMs: { median: number; p10: number; p90: number };
  /** Process CPU time per step (all threads), median. */
  cpuMs: number;
  nonPadTokensPerStep: number;
  /** torch.mm on the model's shapes, best of [rows·T, C]×[C, 4C] and [rows·T, C]×[C, V]. */
  matmulGflops: number;
  steps: number;
  params: number;
  tokensPerSecond: number;
  achievedGflops: number;
  efficiency: number;
}

/** What python/bench_minimal.py prints. */
export interface TorchMinimalResult {
  torch: string;
  threads: number;
  rows: number;
  paddedT: number;
  stepMs: { median: number; p10: number; p90: number };
  steps: number;
  sampling: { prompts: number; newTokens: number; ms: number; tokensPerSecond: number };
}

function runPython(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(VENV_PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => fail(e));
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) done(line);
      else fail(new Error(err.trim().split('\n').at(-1) || `python exited with ${code}`));
    });
  });
}

type TorchOptions = { steps: number; budgetS: number; timeoutMs: number; threads?: number };

/** The preset's model and step arguments, common to both scripts. */
function modelArgs(preset: BenchPreset, o: TorchOptions): string[] {
  const cfg = makeConfig({ preset, vocabSize: PRESET_VOCAB[preset], blockSize: BLOCK_SIZE });
  return [
    ...['--vocab', String(cfg.vocabSize), '--block', String(BLOCK_SIZE)],
    ...['--layers', String(cfg.nLayer), '--heads', String(cfg.nHead), '--embd', String(cfg.nEmbd)],
    ...['--steps', String(o.steps), '--budget-s', String(o.budgetS)],
    ...(o.threads ? ['--threads', String(o.threads)] : []),
  ];
}

const NO_VENV = `no ${VENV_PYTHON}: run \`bash scripts/py-env.sh\` for the PyTorch rows`;

/** One preset's PyTorch step, as a table row (`runtime` python, `backend` torch-cpu). */
export async function torchRow(preset: BenchPreset, o: TorchOptions): Promise<ConfigResult> {
  const r: ConfigResult = { runtime: 'python', backend: 'torch-cpu', preset };
  if (!existsSync(VENV_PYTHON)) {
    r.skipped = NO_VENV;
    return r;
  }
  const cfg = makeConfig({ preset, vocabSize: PRESET_VOCAB[preset], blockSize: BLOCK_SIZE });
  const args = ['python/bench_step.py', '--preset', preset, ...modelArgs(preset, o)];
  try {
    const p = JSON.parse(await runPython(args, o.timeoutMs)) as Omit<
      TorchResult,
      'params' | 'tokensPerSecond' | 'achievedGflops' | 'efficiency'
    >;
    const achieved = gflops(trainStepFlops(cfg, p.rows, p.paddedT), p.stepMs.median);
    r.torch = {
      ...p,
      params: parameterCount(cfg),
      tokensPerSecond: p.nonPadTokensPerStep / (p.stepMs.median / 1000),
      achievedGflops: achieved,
      efficiency: achieved / p.matmulGflops,
    };
  } catch (e) {
    r.skipped = `PyTorch row failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  return r;
}

/**
 * One preset's minimal PyTorch loop (python/bench_minimal.py): the step and KV-cache sampling,
 * as a table row (`runtime` python, `backend` torch-cpu-minimal).
 */
export async function torchMinimalRow(preset: BenchPreset, o: TorchOptions): Promise<ConfigResult> {
  const r: ConfigResult = { runtime: 'python', backend: 'torch-cpu-minimal', preset };
  if (!existsSync(VENV_PYTHON)) {
    r.skipped = NO_VENV;
    return r;
  }
  try {
    const line = await runPython(['python/bench_minimal.py', ...modelArgs(preset, o)], o.timeoutMs);
    r.torchMinimal = JSON.parse(line) as TorchMinimalResult;
  } catch (e) {
    r.skipped = `minimal PyTorch row failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  return r;
}
