/**
 * The GPU bundle's driver (bundled as main.mjs; `run.sh` starts it): on WebGPU through Dawn it
 * runs the bench (bench/nodeConfig.ts, one process per preset), the default demo headless
 * (bench/gpu/demo.ts) and a frontier sweep (scripts/frontier.ts), each in its own process, and
 * writes `<out>/<date>-<device>[-quick].json` and `.md` after every stage (a stopped run keeps
 * what finished). Exit status 1 when there is no adapter or a required stage failed.
 * Flags: --quick (nano, a few steps, a tiny demo and sweep: the bundle's own test on
 * SwiftShader) --only bench,demo,frontier --presets nano,micro,mini,small
 * --frontier <sweep.json> --out <dir> --budget-s S (whole run; default 540, quick 1800)
 * --label <name>
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { PresetName } from '../../src/model/config';
import type { RunSummary } from '../../src/pipeline/frontier/points';
import type { HarnessOptions } from '../harness';
import { isoDate, machineInfo } from '../machine';
import { nodeAdapterInfo } from '../nodeBackend';
import { isOutcomeLine, type Outcome, readOutcome } from '../outcome';
import { type ConfigResult, markdownReport } from '../report';
import type { DemoResult } from './demo';
import { demoMarkdown, deviceSlug, goalsMarkdown, goalVerdicts } from './report';

/** The bundle's folder: main.mjs, config.mjs, demo.mjs, frontier.mjs, public/, sweeps/. */
const HERE = dirname(fileURLToPath(import.meta.url));
const STAGES = ['bench', 'demo', 'frontier'] as const;
const ALL_PRESETS: PresetName[] = ['nano', 'micro', 'mini', 'small'];
/** Leak-check steps per preset on a GPU (the bench's 1000 for nano, fewer for bigger ones). */
const LEAK_STEPS: Record<PresetName, number> = { nano: 1000, micro: 250, mini: 100, small: 40 };

function child<T>(script: string, args: string[], timeoutMs: number): Promise<Outcome<T>> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [join(HERE, script), ...args], {
      cwd: HERE, // the checkpoint and sweeps are addressed from the bundle's folder
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      out += text;
      for (const line of text.split('\n')) {
        if (line && !isOutcomeLine(line)) process.stderr.write(`  ${line}\n`);
      }
    });
    const timer = setTimeout(() => p.kill('SIGKILL'), Math.max(1000, timeoutMs));
    p.on('close', (code) => {
      clearTimeout(timer);
      const outcome = readOutcome<T>(out);
      if (outcome) done(outcome);
      else if (code === 0) done({ ok: true, result: undefined as T });
      else done({ ok: false, error: `exit ${code}: no result within ${timeoutMs / 1000} s?` });
    });
  });
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

async function main(): Promise<number> {
  const { values: a } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      presets: { type: 'string' },
      frontier: { type: 'string' },
      out: { type: 'string', default: join(HERE, 'results') },
      'budget-s': { type: 'string' },
      label: { type: 'string' },
    },
  });
  const quick = a.quick ?? false;
  const stages = new Set(a.only?.split(',') ?? STAGES);
  for (const s of stages) {
    if (!(STAGES as readonly string[]).includes(s)) throw new Error(`unknown stage "${s}"`);
  }
  const presets = (a.presets?.split(',') ?? (quick ? ['nano'] : ALL_PRESETS)) as PresetName[];
  const sweep = resolve(a.frontier ?? join(HERE, 'sweeps', quick ? 'quick.json' : 'gpu.json'));
  const out = resolve(a.out ?? 'results');
  // 540 s fits a 10-minute device command; --quick on a loaded 2-core machine can take 7 min.
  const deadline = performance.now() + 1000 * Number(a['budget-s'] ?? (quick ? 1800 : 540));
  const left = () => deadline - performance.now();

  const manifest = readJson(join(HERE, 'manifest.json'));
  const adapter = await nodeAdapterInfo();
  const slug = a.label ?? deviceSlug(adapter);
  const base = join(out, `${isoDate()}-${slug}${quick ? '-quick' : ''}`);
  mkdirSync(out, { recursive: true });
  const meta: Record<string, unknown> = {
    machine: { ...machineInfo(), gitCommit: manifest?.commit, gitDirty: manifest?.dirty },
    bundle: manifest && { ...manifest, files: undefined }, // the file list stays in manifest.json
    runtime: {
      execPath: process.execPath,
      node: process.version,
      vkIcdFilenames: process.env.VK_ICD_FILENAMES ?? null,
      vulkanLoader: process.env.DPO_GPU_VULKAN_LOADER ?? null,
    },
    nodeAdapter: adapter,
    adapter,
    quick,
  };
  const bench: ConfigResult[] = [];
  let demo: DemoResult | null = null;
  const failures: string[] = [];
  const t0 = performance.now();
  const clock = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
  const write = () => {
    meta.seconds = Math.round((performance.now() - t0) / 1000);
    const goals = goalVerdicts(bench, demo, !quick);
    const frontierMd = meta.frontierMarkdown as string | undefined;
    const md = [
      `# WebGPU figures: ${adapter?.description || slug}${quick ? ' (quick)' : ''}`,
      '',
      `Adapter ${JSON.stringify(adapter)}; Node ${process.version} (${process.execPath}); bundle commit ${String(manifest?.commit ?? '?').slice(0, 10)}${manifest?.dirty ? ' (uncommitted changes)' : ''}; ${meta.seconds} s.`,
      '',
      '## Goals',
      '',
      goalsMarkdown(goals),
      '',
      '## Bench (Node + Dawn, WebGPU)',
      '',
      bench.length ? markdownReport(meta, bench) : 'not run',
      '## Default demo, headless',
      '',
      demo ? demoMarkdown(demo) : String(meta.demoError ?? 'not run'),
      '',
      '## Frontier sweep',
      '',
      frontierMd ?? String(meta.frontierError ?? 'not run'),
      '',
      failures.length ? `Failures: ${failures.join('; ')}` : 'No failures.',
      '',
    ].join('\n');
    const json = { ...meta, goals, bench, demo, failures };
    delete (json as Record<string, unknown>).frontierMarkdown;
    writeFileSync(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(`${base}.md`, md);
  };

  console.log(`adapter ${JSON.stringify(adapter)}; node ${process.execPath}; out ${base}.*`);
  if (!adapter || 'error' in adapter) {
    failures.push(
      'no WebGPU adapter: Dawn found no Vulkan device (a GPU driver with its Vulkan ICD, or VK_ICD_FILENAMES)',
    );
    write();
    return 1;
  }
  if (adapter.architecture === 'swiftshader' && !quick) {
    console.log('warning: the adapter is SwiftShader, a CPU emulation: these are not GPU figures');
  }

  if (stages.has('bench')) {
    let tooSlow: string | null = null;
    for (const preset of presets) {
      const r: ConfigResult = { runtime: 'node', backend: 'webgpu', preset };
      // Quick: 16 pairs (one π_ref batch), 1 timed step; SwiftShader takes seconds per step.
      const options: HarnessOptions = quick
        ? {
            preset,
            pairs: 16,
            warmupSteps: 2,
            totalSteps: 3,
            maxStepMs: 60_000,
            sampling: { prompts: 2, newTokens: 4 },
            matmulRepeats: 1,
          }
        : {
            preset,
            warmupSteps: 3,
            totalSteps: Math.max(23, LEAK_STEPS[preset]),
            stepBudgetMs: 20_000,
            maxStepMs: 10_000,
            sampling: { prompts: 16, newTokens: 32 },
            matmulRepeats: 10,
          };
      if (tooSlow) r.skipped = `skipped: a smaller preset was ${tooSlow}`;
      else {
        const o = await child<ConfigResult['ours']>(
          'config.mjs',
          ['ours', 'webgpu', JSON.stringify(options)],
          Math.min(quick ? 300_000 : 180_000, left()),
        );
        if (o.ok) r.ours = o.result;
        else r.skipped = o.error;
      }
      if (r.skipped?.startsWith('too slow')) tooSlow = r.skipped;
      r.peerSkipped = 'not run (the peer needs a browser)';
      if (!r.ours && (quick || preset === 'nano')) failures.push(`bench ${preset}: ${r.skipped}`);
      bench.push(r);
      const what = r.ours ? `${r.ours.stepMs.median.toFixed(1)} ms/step` : r.skipped;
      console.log(`bench ${preset}: ${what} (${clock()})`);
      write();
    }
  }

  if (stages.has('demo')) {
    const o = await child<DemoResult>(
      'demo.mjs',
      ['--backend', 'webgpu', ...(quick ? ['--quick'] : [])],
      Math.min(300_000, left()),
    );
    if (o.ok) demo = o.result;
    else {
      meta.demoError = o.error;
      failures.push(`demo: ${o.error}`);
    }
    console.log(
      `demo: ${demo ? `reward gain at ${demo.secondsToRewardGain} s, done at ${demo.secondsToDone.toFixed(1)} s` : o.ok ? '' : o.error} (${clock()})`,
    );
    write();
  }

  if (stages.has('frontier')) {
    const sweepJson = readJson(sweep);
    const dir = join(out, `${base.slice(out.length + 1)}-frontier`);
    const o = await child<undefined>(
      'frontier.mjs',
      [sweep, '--backend', 'webgpu', '--out', dir],
      left() - 5000,
    );
    const summary = readJson(join(dir, 'summary.json'));
    meta.frontier = summary
      ? {
          sweep: sweepJson?.name,
          dir,
          seconds: summary.seconds,
          runs: summary.runs as RunSummary[],
        }
      : null;
    if (existsSync(join(dir, 'summary.md'))) {
      meta.frontierMarkdown = readFileSync(join(dir, 'summary.md'), 'utf8');
    }
    if (!o.ok || !summary) {
      meta.frontierError = o.ok ? 'no summary.json written' : o.error;
      failures.push(`frontier: ${meta.frontierError}`);
    }
    console.log(
      `frontier: ${summary ? `${(summary.runs as unknown[]).length} runs` : meta.frontierError} (${clock()})`,
    );
    write();
  }
  console.log(`wrote ${base}.json and ${base}.md (${clock()})`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
