/**
 * `npm run frontier -- <config.json>`: the reward–KL frontier (paper Fig. 2, left) in Node.
 * Reads a sweep config (see src/pipeline/frontier/sweepConfig.ts and frontier/default.json), loads
 * the SFT checkpoint, runs every algorithm on the built-in task and writes points.json,
 * points.csv, summary.json, summary.md and frontier.svg to the output directory (rewritten
 * after each run, so a stopped sweep leaves its finished runs).
 * The sweep runs once per replicate seed (`seeds`); the written figures are means ± s.e.
 * across seeds, with DPO compared seed by seed at matched KL (acrossSeeds.ts, report.ts).
 * Options: --backend wasm|cpu|webgpu (default wasm) --out <dir> (default frontier/results/<name>)
 * --split test|validation (evaluation prompts; default test: choose hyperparameters on
 * validation, report test) --replot (rewrite the outputs of a finished sweep from its
 * points.csv, points.json and summary.json) --fresh (start over; by default a stopped sweep
 * of the same config in --out is resumed: its finished runs kept, the rest run, resume.ts).
 * --seeds 1,3 (run only these of the sweep's seeds: a shard, into its own --out, so that one
 * process per core runs at once; WASM in Node is single-threaded) --merge <dir>... (one sweep's
 * outputs from its shards, into --out; resume.ts mergeShards).
 * --export-trl <dir> (write the sweep as a TRL + Accelerate job folder, trljob/README.md; runs
 * nothing).
 * `npm run frontier -- --docs` rewrites the generated result tables of the docs (docBlocks.ts) and
 * the app-vs-TRL agreement tables and plots (trlAgreement.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../src/model/checkpoint';
import { selectNodeBackend } from '../src/node/backend';
import { DOCS_WITH_BLOCKS, updateDocBlocks } from '../src/pipeline/frontier/docBlocks';
import {
  type FrontierPoint,
  parsePointsCsv,
  pointsCsv,
  type RunSummary,
  withCsvValues,
} from '../src/pipeline/frontier/points';
import {
  accuracyLines,
  budgetLine,
  seedReport,
  seedReportMarkdown,
} from '../src/pipeline/frontier/report';
import { doneKey, inSweepOrder, mergeShards, resumeFrom } from '../src/pipeline/frontier/resume';
import { frontierSvg } from '../src/pipeline/frontier/svg';
import { runSweep } from '../src/pipeline/frontier/sweep';
import {
  parseSweepConfig,
  resolveRuns,
  type SweepConfig,
} from '../src/pipeline/frontier/sweepConfig';
import { builtinFrontierTask } from '../src/pipeline/frontier/task';
import {
  AGREEMENT_SVG,
  agreementFolders,
  bothStacksSvg,
  updateAgreementBlocks,
} from '../src/pipeline/frontier/trlAgreement';
import { DOCS_WITH_AGREEMENT, readBothStacks } from '../src/pipeline/frontier/trlAgreementRead';
import { writeTrlJob } from '../src/pipeline/frontier/trlJobWrite';
import { BpeTokenizer } from '../src/tokenizer/bpe';

const USAGE =
  'usage: npm run frontier -- <config.json> [--backend wasm|cpu|webgpu] [--out <dir>] [--split test|validation] [--replot] [--fresh] [--seeds 1,2] | <config.json> --export-trl <dir> [--split …] | <config.json> --merge <shard dir>... [--out <dir>] | --docs';

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

/**
 * The plot's KL range: the paper's Fig. 2 spans about 0–25 nats; a small β driven for hundreds
 * of updates reaches 50–90 and would squash it. Points past it stay in points.csv and the tables.
 */
const PLOT_MAX_KL = 30;

function writeOutputs(
  dir: string,
  sweep: SweepConfig,
  meta: Record<string, unknown>,
  unordered: FrontierPoint[],
  unorderedRuns: RunSummary[],
): string {
  mkdirSync(dir, { recursive: true });
  const points = inSweepOrder(unordered, sweep);
  const runs = inSweepOrder(unorderedRuns, sweep);
  const report = seedReport(points, runs, isDpo(sweep));
  writeFileSync(join(dir, 'points.json'), formatJson({ ...meta, points }));
  writeFileSync(join(dir, 'points.csv'), `${pointsCsv(points)}\n`);
  writeFileSync(
    join(dir, 'summary.json'),
    formatJson({
      ...meta,
      sweep,
      runs,
      acrossSeeds: report.runs.map(({ final, best, ...r }) => ({
        ...r,
        final: final && brief(final),
        best: best && brief(best),
      })),
      matchedKl: report.matchedKl,
      matchedKlAlongTraining: report.alongTraining,
    }),
  );
  const notes = Object.entries(meta)
    .map(([k, v]) => `- ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('\n');
  const md = seedReportMarkdown(sweep.name, report, sweep.budget);
  writeFileSync(join(dir, 'summary.md'), `${md}\n${notes}\n`);
  const b = sweep.budget;
  const svgNotes = [
    ...(b ? [`budget: ${b.updates} updates, ${b.samples} samples`] : []),
    ...report.runs.flatMap((r) =>
      r.accuracy
        ? [
            `${r.accuracy.kind === 'reward-model' ? 'RM' : `${r.label} implicit RM`} held-out acc. ${r.accuracy.mean.toFixed(2)}`,
          ]
        : [],
    ),
  ];
  writeFileSync(
    join(dir, 'frontier.svg'),
    frontierSvg(report.bands, {
      title: `Reward–KL frontier: ${sweep.name}`,
      notes: [...new Set(svgNotes)],
      maxKl: PLOT_MAX_KL,
    }),
  );
  return md;
}

/** A sweep's written outputs: points at full precision (points.csv), summaries, meta. */
function readOutputs(out: string) {
  const { points: rounded, ...meta } = JSON.parse(readFileSync(join(out, 'points.json'), 'utf8'));
  const csv = join(out, 'points.csv');
  const points: FrontierPoint[] = existsSync(csv)
    ? withCsvValues(rounded, parsePointsCsv(readFileSync(csv, 'utf8')))
    : rounded;
  const { runs, sweep } = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  return { meta: meta as Record<string, unknown>, points, runs: runs as RunSummary[], sweep };
}

/** The band point's figures for summary.json (the sample text left out). */
function brief(p: FrontierPoint) {
  const { sample: _sample, ...rest } = p;
  return rest;
}

/** The reference of the matched-KL comparison: DPO with the sigmoid loss (not Best-of-N). */
function isDpo(sweep: SweepConfig): (runId: string) => boolean {
  const ids = new Set(
    resolveRuns(sweep)
      .filter((r) => r.algorithm === 'dpo' && r.loss === 'sigmoid' && (r.rounds ?? 1) <= 1)
      .map((r) => r.id),
  );
  return (runId) => ids.has(runId);
}

async function main() {
  const { values: a, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      backend: { type: 'string', default: 'wasm' },
      out: { type: 'string' },
      split: { type: 'string', default: 'test' },
      replot: { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      docs: { type: 'boolean', default: false },
      seeds: { type: 'string' },
      merge: { type: 'boolean', default: false },
      'export-trl': { type: 'string' },
    },
  });
  if (a.docs) {
    for (const doc of DOCS_WITH_BLOCKS) {
      const text = readFileSync(doc, 'utf8');
      const next = updateDocBlocks(text, (dir) =>
        JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')),
      );
      if (next !== text) writeFileSync(doc, next);
      console.log(`${doc}: ${next === text ? 'up to date' : 'rewritten'}`);
    }
    for (const doc of DOCS_WITH_AGREEMENT) {
      const text = readFileSync(doc, 'utf8');
      const next = updateAgreementBlocks(text, readBothStacks);
      if (next !== text) writeFileSync(doc, next);
      for (const folder of agreementFolders(text)) {
        const name = JSON.parse(readFileSync(join(folder, 'app', 'summary.json'), 'utf8')).name;
        writeFileSync(join(folder, AGREEMENT_SVG), bothStacksSvg(readBothStacks(folder), name));
      }
      console.log(`${doc}: agreement ${next === text ? 'up to date' : 'rewritten'}`);
    }
    return;
  }
  if (a.split !== 'test' && a.split !== 'validation') throw new Error(USAGE);
  const split = a.split;
  const configPath = positionals[0];
  if (a.fresh && a.replot) throw new Error(USAGE);
  if (!configPath || (positionals.length > 1 && !a.merge)) throw new Error(USAGE);
  const sweep = readSweep(configPath);
  const exportTrl = a['export-trl'];
  if (exportTrl !== undefined) {
    await selectNodeBackend('cpu');
    await writeTrlJob(resolve(exportTrl), sweep, split, configPath);
    console.log(
      `wrote the TRL job of ${sweep.name} to ${exportTrl} (its README.md says how to run it)`,
    );
    return;
  }
  const out = resolve(a.out ?? join('frontier', 'results', sweep.name));
  if (a.merge) {
    const dirs = positionals.slice(1);
    if (dirs.length === 0) throw new Error(USAGE);
    const shards = dirs.map((dir) => {
      const s = readOutputs(dir);
      return { sweep: s.sweep, runs: s.runs, points: s.points, seconds: Number(s.meta.seconds) };
    });
    const merged = mergeShards(shards, sweep);
    if (typeof merged === 'string') throw new Error(merged);
    const first = readOutputs(dirs[0] ?? '').meta;
    const meta = {
      ...first,
      config: configPath,
      seeds: sweep.seeds,
      seconds: merged.seconds,
      cpuSeconds: merged.cpuSeconds,
      shards: dirs.length,
    };
    delete (meta as Record<string, unknown>).seedsRun;
    writeOutputs(out, sweep, meta, merged.points, merged.runs);
    const missing = sweep.seeds.flatMap((seed) =>
      resolveRuns(sweep)
        .filter((r) => !merged.done.has(doneKey(seed, r.id)))
        .map((r) => `${seed}:${r.id}`),
    );
    console.log(`merged ${dirs.length} shards into ${out}`);
    if (missing.length > 0) console.log(`not yet run (seed:run): ${missing.join(', ')}`);
    return;
  }
  const seeds = a.seeds === undefined ? sweep.seeds : a.seeds.split(',').map(Number);
  const stray = seeds.filter((s) => !sweep.seeds.includes(s));
  if (seeds.length === 0 || stray.length > 0) {
    throw new Error(`--seeds ${a.seeds}: each must be one of the sweep's seeds ${sweep.seeds}`);
  }
  if (a.replot) {
    // Rewrites summary.md and frontier.svg (and the rest) from a finished sweep's files; the
    // points from points.csv, which keeps full precision (points.json has 6 digits), so the
    // rewritten files are those a fresh run wrote.
    const { meta, points, runs } = readOutputs(out);
    writeOutputs(out, sweep, meta, points, runs);
    console.log(`rewrote ${out} from its points.csv, points.json and summary.json`);
    return;
  }
  const backend = a.backend ?? 'wasm';
  if (!['wasm', 'cpu', 'webgpu'].includes(backend)) {
    throw new Error(`unknown backend "${backend}"; ${USAGE}`);
  }
  await selectNodeBackend(backend);

  const { model: sft, checkpoint } = loadCheckpoint(
    JSON.parse(readFileSync(sweep.checkpoint, 'utf8')),
    false,
  );
  const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
  const task = builtinFrontierTask(tokenizer, sweep, split);
  const t0 = performance.now();
  const clock = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
  // A stopped sweep of this config in `out`: its finished runs are kept, the rest run.
  let resumed: ReturnType<typeof resumeFrom> | null = null;
  if (!a.fresh && existsSync(join(out, 'summary.json'))) {
    const prev = readOutputs(out);
    resumed = resumeFrom(
      {
        sweep: prev.sweep,
        runs: prev.runs,
        points: prev.points,
        seconds: Number(prev.meta.seconds) || 0,
      },
      sweep,
    );
    if (typeof resumed === 'string') {
      throw new Error(`${out}: ${resumed}; pass --fresh to overwrite it or --out another folder`);
    }
    console.log(`resuming ${out}: ${resumed.done.size} finished runs kept`);
  }
  const before = typeof resumed === 'object' && resumed ? resumed : null;
  const elapsed = () => Math.round((before?.seconds ?? 0) + (performance.now() - t0) / 1000);
  const meta: Record<string, unknown> = {
    name: sweep.name,
    config: configPath,
    checkpoint: sweep.checkpoint,
    backend: tf.getBackend(),
    evaluation: `${split} prompts`,
    seeds: sweep.seeds,
    ...(a.seeds === undefined ? {} : { seedsRun: seeds }),
    started: new Date().toISOString(),
  };
  console.log(
    `sweep ${sweep.name}: ${sweep.runs.length} runs × ${sweep.seeds.length} seeds, backend ${tf.getBackend()}, ${split} prompts, out ${out}`,
  );
  console.log(budgetLine(sweep.budget, []));
  const points: FrontierPoint[] = before?.points ?? [];
  const runs: RunSummary[] = before?.runs ?? [];
  const pairs: number[] = [];
  const ids = resolveRuns(sweep).map((r) => r.id);
  let lastStage = '';
  for (const seed of seeds) {
    const done = (id: string) => before?.done.has(doneKey(seed, id)) ?? false;
    if (ids.every(done)) continue;
    console.log(`\n== seed ${seed} (${clock()})`);
    await runSweep(sweep, sft, task, { ...callbacks(seed), skipRun: done }, seed);
  }
  meta.seconds = elapsed();
  const md = writeOutputs(out, sweep, meta, points, runs);
  console.log(`\n${md}\nwrote ${out} (${clock()})`);
  sft.dispose();

  function callbacks(seed: number): Parameters<typeof runSweep>[3] {
    return {
      onProgress: (stage, done, total, runId) => {
        if (stage === 'training' || stage === 'evaluating') return;
        const key = `${runId ?? ''}${stage}`;
        if (done === total || key !== lastStage)
          console.log(`  ${runId ?? 'data'}: ${stage} ${done}/${total} (${clock()})`);
        lastStage = key;
      },
      onPairs: (n) => {
        pairs.push(n);
        meta.pairs = pairs;
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
        if (s.heldOutAccuracy) {
          console.log(
            `  ${accuracyLines(seedReport([], [s], () => false).runs)[0]} (seed ${seed})`,
          );
        }
        meta.seconds = elapsed();
        writeOutputs(out, sweep, meta, points, runs);
      },
    };
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
