/**
 * `npm run frontier -- <config.json>`: the reward–KL frontier (paper Fig. 2, left) in Node.
 * Reads a sweep config (see src/pipeline/frontier/config.ts and frontier/default.json), loads
 * the SFT checkpoint, runs every algorithm on the built-in task and writes points.json,
 * points.csv, summary.json, summary.md and frontier.svg to the output directory (rewritten
 * after each run, so a stopped sweep leaves its finished runs).
 * Options: --backend wasm|cpu|webgpu (default wasm) --out <dir> (default frontier/results/<name>)
 * --replot (rewrite the outputs of a finished sweep from its points.json and summary.json)
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

const USAGE =
  'usage: npm run frontier -- <config.json> [--backend wasm|cpu|webgpu] [--out <dir>] [--replot]';

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

/**
 * JSON as the repository's formatter (Biome) lays it out, so committed results pass
 * `npm run lint`: objects one key per line, arrays of scalars on one line when they fit in
 * 100 columns; non-integers rounded to 6 significant digits.
 */
function formatJson(value: unknown): string {
  const scalar = (v: unknown) =>
    JSON.stringify(typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v);
  const lay = (v: unknown, indent: string, column: number): string => {
    if (v === null || typeof v !== 'object') return scalar(v);
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      if (v.every((x) => x === null || typeof x !== 'object')) {
        const flat = `[${v.map(scalar).join(', ')}]`;
        if (column + flat.length <= 100) return flat;
      }
      const items = v.map((x) => `${inner}${lay(x, inner, inner.length + 1)}`);
      return `[\n${items.join(',\n')}\n${indent}]`;
    }
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    const body = entries.map(([k, x]) => {
      const key = `${inner}${JSON.stringify(k)}: `;
      return `${key}${lay(x, inner, key.length + 1)}`; // + 1: the trailing comma
    });
    return `{\n${body.join(',\n')}\n${indent}}`;
  };
  return `${lay(value, '', 0)}\n`;
}

function writeOutputs(
  dir: string,
  sweep: SweepConfig,
  meta: Record<string, unknown>,
  points: FrontierPoint[],
  runs: RunSummary[],
): void {
  mkdirSync(dir, { recursive: true });
  const comparison = dpoComparison(sweep, points);
  writeFileSync(join(dir, 'points.json'), formatJson({ ...meta, points }));
  writeFileSync(join(dir, 'points.csv'), `${pointsCsv(points)}\n`);
  writeFileSync(
    join(dir, 'summary.json'),
    formatJson({ ...meta, sweep, runs, matchedKl: comparison.rows }),
  );
  const notes = Object.entries(meta)
    .map(([k, v]) => `- ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('\n');
  const md = `${summaryMarkdown(sweep.name, runs)}${comparison.markdown}`;
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
      replot: { type: 'boolean', default: false },
    },
  });
  const configPath = positionals[0];
  if (!configPath || positionals.length > 1) throw new Error(USAGE);
  const sweep = readSweep(configPath);
  const out = resolve(a.out ?? join('frontier', 'results', sweep.name));
  if (a.replot) {
    // Rewrites summary.md and frontier.svg (and the rest) from a finished sweep's files.
    const { points, ...meta } = JSON.parse(readFileSync(join(out, 'points.json'), 'utf8'));
    const { runs } = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    writeOutputs(out, sweep, meta, points, runs);
    console.log(`rewrote ${out} from its points.json and summary.json`);
    return;
  }
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
    name: sweep.name,
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
