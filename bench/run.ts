/**
 * `npm run bench`: the DPO step, matMul, sampling and leak figures for every runtime × preset ×
 * backend, the peer (@genai-fi/nanogpt) beside each, and the app's main-thread long tasks
 * while training. Prints a table; writes bench/results/<date>.json and <date>.md.
 * Flags: --quick (nano only, few steps) --runtime node|chromium --presets nano,micro,mini
 * --backends webgpu,cpu,... --leak-steps N (nano; micro 1/4, mini 1/10 of it)
 * --step-budget-s S (stepping time per configuration before leak steps stop; default 40)
 * --gain-seconds S (per backend, the demo's time to a reward gain of 0.2 in Chromium, at most
 * S s; default 900, quick 300; 0 skips)
 * --walkthrough-seconds S (each guided experiment from its link to its reading in Chromium, at
 * most S s each; default 300, quick 0 = skipped)
 * --ui-seconds S (default 60; 0 skips) --no-peer --no-torch (skips the PyTorch rows)
 * --torch-threads N (PyTorch's threads; default the machine's cores) --port 4180
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isoDate, machineInfo } from './machine';
import { nodeAdapterInfo } from './nodeBackend';
import { type Outcome, readOutcome } from './outcome';
import { BENCH_PRESETS, type BenchPreset } from './presets';
import { type ConfigResult, markdownReport, textReport } from './report';
import { type RewardGainResult, rewardGainMarkdown } from './rewardGain';

// wasm: threaded (the page is cross-origin isolated); wasm-1t: the same, threads off.
const CHROMIUM_BACKENDS = ['webgpu', 'wasm', 'wasm-1t', 'webgl', 'cpu'];
const NODE_BACKENDS = ['webgpu', 'cpu', 'wasm'];

function runNodeConfig(kind: 'ours' | 'peer', backend: string, options: object, timeoutMs: number) {
  return new Promise<Outcome<unknown>>((done) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/nodeConfig.ts', kind, backend, JSON.stringify(options)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      done(
        readOutcome(out) ?? {
          ok: false,
          error: `too slow here: no result within ${timeoutMs / 1000} s`,
        },
      );
    });
  });
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      runtime: { type: 'string' },
      presets: { type: 'string' },
      backends: { type: 'string' },
      'leak-steps': { type: 'string' },
      'step-budget-s': { type: 'string' },
      'ui-seconds': { type: 'string' },
      'gain-seconds': { type: 'string' },
      'walkthrough-seconds': { type: 'string' },
      'no-peer': { type: 'boolean', default: false },
      'no-torch': { type: 'boolean', default: false },
      'torch-threads': { type: 'string' },
      port: { type: 'string', default: '4180' },
      out: { type: 'string', default: join('bench', 'results') },
    },
  });
  const quick = a.quick ?? false;
  const runtimes = a.runtime ? [a.runtime] : ['chromium', 'node'];
  const presets = (a.presets?.split(',') ?? (quick ? ['nano'] : BENCH_PRESETS)) as BenchPreset[];
  const leakSteps = Number(a['leak-steps'] ?? (quick ? 30 : 1000));
  const stepBudgetMs = 1000 * Number(a['step-budget-s'] ?? (quick ? 20 : 40));
  const uiSeconds = Number(a['ui-seconds'] ?? (quick ? 15 : 60));
  const leakFor: Record<BenchPreset, number> = {
    nano: leakSteps,
    micro: Math.ceil(leakSteps / 4),
    mini: Math.ceil(leakSteps / 10),
  };
  const harness = (preset: BenchPreset) => ({
    preset,
    warmupSteps: 3,
    totalSteps: Math.max(23, leakFor[preset]),
    stepBudgetMs,
    maxStepMs: 10_000,
    sampling: { prompts: 64, newTokens: 16 }, // the app's evaluation: 64 prompts × 16 tokens
    matmulRepeats: quick ? 3 : 10,
  });
  const peerOptions = (preset: BenchPreset, rows: number, T: number) => ({
    preset,
    rows,
    T,
    warmupSteps: 3,
    timedSteps: quick ? 5 : 20,
    maxStepMs: 10_000,
  });
  const configTimeoutMs = 4 * 60_000;

  const t0 = performance.now();
  const results: ConfigResult[] = [];
  const meta: Record<string, unknown> = { machine: machineInfo(), quick, leakFor, stepBudgetMs };
  const note = (r: ConfigResult) => {
    results.push(r);
    const what = r.ours ? `${r.ours.stepMs.median.toFixed(0)} ms/step` : r.skipped;
    console.log(
      `${r.runtime} ${r.backend} ${r.preset}: ${what}; peer ${r.peer ? `${r.peer.stepMs.median.toFixed(0)} ms/step` : r.peerSkipped} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
  };

  for (const runtime of runtimes) {
    const backends =
      a.backends?.split(',') ?? (runtime === 'node' ? NODE_BACKENDS : CHROMIUM_BACKENDS);
    if (runtime === 'chromium') {
      const { ChromiumBench } = await import('./chromium');
      const gainSeconds = Number(a['gain-seconds'] ?? (quick ? 300 : 900));
      const walkSeconds = Number(a['walkthrough-seconds'] ?? (quick ? 0 : 300));
      const bench = await ChromiumBench.start({
        port: Number(a.port),
        withApp: uiSeconds > 0 || gainSeconds > 0 || walkSeconds > 0,
      });
      meta.browser = bench.version;
      try {
        for (const backend of backends) {
          let tooSlow: string | null = null;
          for (const preset of presets) {
            const r: ConfigResult = { runtime, backend, preset };
            if (tooSlow) r.skipped = `skipped: a smaller preset was ${tooSlow}`;
            else {
              const o = await bench.run('ours', backend, harness(preset), configTimeoutMs);
              if (o.ok) {
                r.ours = o.result as ConfigResult['ours'];
                meta.adapter ??= o.adapter;
              } else r.skipped = o.error;
            }
            if (r.skipped?.startsWith('too slow')) tooSlow = r.skipped;
            if (r.ours && backend.startsWith('wasm'))
              r.peerSkipped = 'the peer has no wasm backend';
            else if (r.ours && !a['no-peer']) {
              const p = await bench.run(
                'peer',
                backend,
                peerOptions(preset, r.ours.rows, r.ours.paddedT),
                configTimeoutMs,
              );
              if (p.ok) r.peer = p.result as ConfigResult['peer'];
              else r.peerSkipped = p.error;
            }
            note(r);
          }
        }
        if (uiSeconds > 0) {
          console.log(`app: training the default demo for ${uiSeconds} s…`);
          try {
            meta.responsiveness = await bench.responsiveness(uiSeconds);
          } catch (e) {
            meta.responsiveness = { error: e instanceof Error ? e.message.split('\n')[0] : e };
          }
          console.log('responsiveness', JSON.stringify(meta.responsiveness));
        }
        if (gainSeconds > 0) {
          // The app's backends (wasm-1t is not one: the app runs WASM threaded when it can).
          const appBackends = backends.filter((b) => b !== 'wasm-1t');
          meta.rewardGain = await bench.rewardGain(appBackends, 0.2, gainSeconds);
        }
        if (walkSeconds > 0) {
          const { walkthroughExperiments } = await import('./walkthroughList');
          meta.walkthrough = await bench.walkthroughs(walkthroughExperiments(), walkSeconds);
        }
      } finally {
        await bench.close();
      }
    } else {
      meta.nodeAdapter = await nodeAdapterInfo();
      for (const backend of backends) {
        let tooSlow: string | null = null;
        for (const preset of presets) {
          const r: ConfigResult = { runtime, backend, preset };
          if (tooSlow) r.skipped = `skipped: a smaller preset was ${tooSlow}`;
          else {
            const o = await runNodeConfig('ours', backend, harness(preset), configTimeoutMs);
            if (o.ok) r.ours = o.result as ConfigResult['ours'];
            else r.skipped = o.error;
          }
          if (r.skipped?.startsWith('too slow')) tooSlow = r.skipped;
          if (r.ours && !a['no-peer']) {
            const p = await runNodeConfig(
              'peer',
              backend,
              peerOptions(preset, r.ours.rows, r.ours.paddedT),
              configTimeoutMs,
            );
            if (p.ok) r.peer = p.result as ConfigResult['peer'];
            else r.peerSkipped = p.error;
          }
          note(r);
        }
      }
    }
  }
  // The PyTorch CPU row per preset (bench/torchRow.ts): what an ML engineer would run instead.
  if (!a['no-torch']) {
    const { torchMinimalRow, torchRow } = await import('./torchRow');
    const o = {
      steps: quick ? 5 : 20,
      budgetS: 30,
      timeoutMs: configTimeoutMs,
      ...(a['torch-threads'] ? { threads: Number(a['torch-threads']) } : {}),
    };
    for (const preset of presets) {
      const r = await torchRow(preset, o);
      results.push(r);
      const what = r.torch ? `${r.torch.stepMs.median.toFixed(0)} ms/step` : r.skipped;
      console.log(`python torch-cpu ${preset}: ${what}`);
      const m = await torchMinimalRow(preset, o);
      results.push(m);
      const mWhat = m.torchMinimal
        ? `${m.torchMinimal.stepMs.median.toFixed(0)} ms/step, ` +
          `${m.torchMinimal.sampling.tokensPerSecond.toFixed(0)} sample tok/s`
        : m.skipped;
      console.log(`python torch-cpu-minimal ${preset}: ${mWhat}`);
    }
  }
  meta.seconds = Math.round((performance.now() - t0) / 1000);
  mkdirSync(a.out ?? 'bench/results', { recursive: true });
  const base = join(a.out ?? 'bench/results', `${isoDate()}${quick ? '-quick' : ''}`);
  writeFileSync(`${base}.json`, `${JSON.stringify({ ...meta, results }, null, 2)}\n`);
  const gain = rewardGainMarkdown((meta.rewardGain ?? []) as RewardGainResult[]);
  writeFileSync(`${base}.md`, `${markdownReport(meta, results)}${gain ? `\n${gain}` : ''}`);
  console.log(`\n${textReport(meta, results)}\nwrote ${base}.json and ${base}.md`);
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
