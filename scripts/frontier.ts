/**
 * `npm run frontier -- <config.json>`: the reward–KL frontier (paper Fig. 2, left) in Node.
 * Reads a sweep config (see src/pipeline/frontier/config.ts and frontier/default.json), loads
 * the SFT checkpoint, runs every algorithm on the built-in task and writes points.json,
 * points.csv, summary.json, summary.md and frontier.svg to the output directory (rewritten
 * after each run, so a stopped sweep leaves its finished runs).
 * Options: --backend wasm|cpu|webgpu (default wasm) --out <dir> (default frontier/results/<name>)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../src/model/checkpoint';
import { compareAtMatchedKl, matchedKlMarkdown } from '../src/pipeline/frontier/compare';
import { parseSweepConfig, resolveRuns, type SweepConfig } from '../src/pipeline/frontier/config';
import {
  type FrontierPoint,
  pointsCsv,
  type RunSummary,
  summaryMarkdown,
} from '../src/pipeline/frontier/points';
import { frontierSvg } from '../src/pipeline/frontier/svg';
import { runSweep } from '../src/pipeline/frontier/sweep';
import { builtinFrontierTask } from '../src/pipeline/frontier/task';
import { BpeTokenizer } from '../src/tokenizer/bpe';

const USAGE = 'usage: npm run frontier -- <config.json> [--backend wasm|cpu|webgpu] [--out <dir>]';

async function setBackend(name: string): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else if (name === 'webgpu') {
    // Dawn in Node (the `webgpu` package): the machine's GPU, else Chromium's SwiftShader
    // (as src/test/backend-webgpu.ts; see shared/docs/webgpu-here.md).
    process.env.XDG_RUNTIME_DIR ??= '/tmp';
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    let gpu = create([]);
    const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
    if (!(await gpu.requestAdapter()) && !process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) {
      process.env.VK_ICD_FILENAMES = swiftshader;
      gpu = create([]);
    }
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
    await import('@tensorflow/tfjs-backend-webgpu');
  } else if (name !== 'cpu') throw new Error(`unknown backend "${name}"; ${USAGE}`);
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) {
    throw new Error(`the ${name} backend is unavailable`);
  }
  await tf.ready();
}

function readSweep(path: string): SweepConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`cannot read ${path}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseSweepConfig(json);
}

function writeOutputs(
  dir: string,
  sweep: SweepConfig,
  meta: Record<string, unknown>,
  points: FrontierPoint[],
  runs: RunSummary[],
): void {
  mkdirSync(dir, { recursive: true });
  const round = (_k: string, v: unknown) =>
    typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v;
  writeFileSync(join(dir, 'points.json'), `${JSON.stringify({ ...meta, points }, round, 1)}\n`);
  writeFileSync(join(dir, 'points.csv'), `${pointsCsv(points)}\n`);
  writeFileSync(
    join(dir, 'summary.json'),
    `${JSON.stringify({ ...meta, sweep, runs }, round, 2)}\n`,
  );
  const comparison = dpoComparison(sweep, points);
  const md = `${summaryMarkdown(sweep.name, runs)}${comparison.markdown}`;
  const notes = Object.entries(meta)
    .map(([k, v]) => `- ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('\n');
  writeFileSync(join(dir, 'summary.md'), `${md}\n${notes}\n`);
  writeFileSync(
    join(dir, 'frontier.svg'),
    frontierSvg(points, { title: `Reward–KL frontier: ${sweep.name}` }),
  );
}

/**
 * Every other run's best and final points against the frontier of the DPO (sigmoid) runs and
 * the SFT point: the acceptance reads "at matched KL, DPO above the baselines".
 */
function dpoComparison(sweep: SweepConfig, points: FrontierPoint[]) {
  const dpoIds = new Set(
    resolveRuns(sweep)
      .filter((r) => r.algorithm === 'dpo' && r.loss === 'sigmoid')
      .map((r) => r.id),
  );
  const reference = points.filter((p) => dpoIds.has(p.runId) || (p.step === 0 && p.kl === 0));
  const others = points.filter((p) => !dpoIds.has(p.runId) && p.algorithm !== 'sft');
  if (dpoIds.size === 0 || others.length === 0) return { rows: [], markdown: '' };
  const rows = compareAtMatchedKl(reference, others);
  const markdown = [
    '',
    '## At matched KL: the DPO frontier against every other run',
    '',
    'DPO frontier = upper concave hull of the DPO (sigmoid) points and the SFT point (a mixture of',
    'two policies reaches the mixed reward within the mixed KL), flat after its best point.',
    'Positive difference: DPO is above the run at that run’s KL; z = difference / combined',
    'standard error. Best-of-N sits at its analytic KL bound, so its KL is if anything overstated.',
    '',
    matchedKlMarkdown('DPO', rows),
  ].join('\n');
  return { rows, markdown };
}

async function main() {
  const { values: a, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      backend: { type: 'string', default: 'wasm' },
      out: { type: 'string' },
    },
  });
  const configPath = positionals[0];
  if (!configPath || positionals.length > 1) throw new Error(USAGE);
  const sweep = readSweep(configPath);
  const out = resolve(a.out ?? join('frontier', 'results', sweep.name));
  await setBackend(a.backend ?? 'wasm');

  const { model: sft, checkpoint } = loadCheckpoint(
    JSON.parse(readFileSync(sweep.checkpoint, 'utf8')),
    false,
  );
  const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
  const task = builtinFrontierTask(tokenizer, sweep);
  const t0 = performance.now();
  const clock = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
  const meta: Record<string, unknown> = {
    sweep: sweep.name,
    config: configPath,
    checkpoint: sweep.checkpoint,
    backend: tf.getBackend(),
    started: new Date().toISOString(),
  };
  console.log(
    `sweep ${sweep.name}: ${sweep.runs.length} runs, backend ${tf.getBackend()}, out ${out}`,
  );
  const points: FrontierPoint[] = [];
  const runs: RunSummary[] = [];
  let lastStage = '';
  const result = await runSweep(sweep, sft, task, {
    onProgress: (stage, done, total, runId) => {
      if (stage === 'training' || stage === 'evaluating') return;
      const key = `${runId ?? ''}${stage}`;
      if (done === total || key !== lastStage)
        console.log(`  ${runId ?? 'data'}: ${stage} ${done}/${total} (${clock()})`);
      lastStage = key;
    },
    onPairs: (n) => {
      meta.pairs = n;
      console.log(`${n} preference pairs (${clock()})`);
    },
    onRunStart: (run, i, n) => console.log(`[${i + 1}/${n}] ${run.label} (${run.id})`),
    onLog: (runId, phase, step, m) => {
      if (phase === 'reward-model') {
        console.log(
          `  ${runId} RM step ${step}: loss ${m.loss?.toFixed(3)} acc ${m.accuracy?.toFixed(2)}`,
        );
      } else if (step % 20 === 0) {
        const loss = m.loss ?? m['ppo/loss/total'];
        console.log(`  ${runId} step ${step}: loss ${loss?.toFixed(4)} (${clock()})`);
      }
    },
    onPoint: (p) => {
      points.push(p);
      const at = p.n !== undefined ? `N=${p.n}` : `step ${p.step}`;
      console.log(
        `  ${p.runId} ${at}: KL ${p.kl.toFixed(2)} reward ${p.reward.toFixed(3)} ± ${p.rewardStderr.toFixed(3)} (${clock()})`,
      );
    },
    onRunEnd: (s) => {
      runs.push(s);
      writeOutputs(out, sweep, meta, points, runs);
    },
  });
  meta.seconds = Math.round(result.seconds);
  writeOutputs(out, sweep, meta, result.points, result.runs);
  console.log(`\n${summaryMarkdown(sweep.name, result.runs)}\nwrote ${out} (${clock()})`);
  sft.dispose();
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
