// The GPU bundle (npm run bundle:gpu, bench/gpu/) must keep working although no GPU machine
// runs it here: build it with its carry (gzipped Node + Vulkan loader), copy the carry to a
// folder with no node_modules above it and run `run.sh --quick` on SwiftShader. Slow (each of
// its processes compiles its shaders on a CPU), so one run checks everything.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { deviceSlug, goalVerdicts } from '../../bench/gpu/report';
import type { ConfigResult } from '../../bench/report';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const MiB = 2 ** 20;
const tmp = mkdtempSync(join(tmpdir(), 'dpo-gpu-bundle-'));

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function folderBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((s, e) => s + readFileSync(join(e.parentPath, e.name)).length, 0);
}

describe('GPU bundle report helpers', () => {
  it('names the results file after the adapter', () => {
    expect(deviceSlug({ vendor: 'nvidia', architecture: '', description: 'NVIDIA H200' })).toBe(
      'nvidia-h200',
    );
    expect(deviceSlug({ vendor: 'google', architecture: 'swiftshader', description: '' })).toBe(
      'google-swiftshader',
    );
    expect(deviceSlug(null)).toBe('no-adapter');
  });

  it('judges the two speed goals: 50 % of matMul on mini, reward gain under 60 s', () => {
    const mini = { preset: 'mini', ours: { efficiency: 0.49 } } as unknown as ConfigResult;
    const demo = { secondsToRewardGain: 59.5 } as Parameters<typeof goalVerdicts>[1];
    expect(goalVerdicts([mini], demo, true)).toEqual({
      miniEfficiency: 0.49,
      miniEfficiencyMet: false,
      demoSecondsToGain: 59.5,
      demoGainMet: true,
    });
    const noGain = { secondsToRewardGain: null } as Parameters<typeof goalVerdicts>[1];
    expect(goalVerdicts([], noGain, true)).toMatchObject({
      miniEfficiencyMet: null,
      demoGainMet: false,
    });
    // A quick run's demo is not the default demo: no verdict.
    expect(goalVerdicts([], demo, false).demoGainMet).toBeNull();
  });
});

describe('npm run bundle:gpu', () => {
  it(
    'builds a bundle under 40 MiB and a carry under 64 MiB that runs --quick on SwiftShader',
    async () => {
      // No skip: without Chromium's SwiftShader this machine cannot check the bundle.
      expect(
        existsSync(SWIFTSHADER_ICD),
        `${SWIFTSHADER_ICD} missing: apt-get install chromium`,
      ).toBe(true);
      const out = join(tmp, 'build');
      const built = await run(
        process.execPath,
        ['--import', 'tsx', 'bench/gpu/build.ts', '--out', out, '--carry'],
        {
          cwd: ROOT,
        },
      );
      expect(built.stdout).toMatch(/bundle: .*dpo-gpu \(/);

      const bundle = join(out, 'dpo-gpu');
      expect(folderBytes(bundle)).toBeLessThan(40 * MiB);
      expect(folderBytes(join(out, 'carry', 'dpo-gpu'))).toBeLessThan(64 * MiB);
      const names = readdirSync(bundle, { recursive: true }).map(String);
      expect(names).toContain(join('dist', 'linux-x64', 'dawn.node'));
      expect(names.some((n) => n.includes('node_modules'))).toBe(false);
      const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
      expect(manifest.packages.webgpu).toMatch(/^\d+\.\d+\.\d+$/);

      // The bundle alone takes the system's Node (none in the folder).
      const where = await run('bash', [join(bundle, 'run.sh'), '--where']);
      expect(where.stdout).toContain(`node: ${process.execPath}`);
      expect(where.stdout).toMatch(/node: .*\(system, v\d+/);

      // The carry, moved where no node_modules can be found: its own Node and Vulkan loader.
      const place = join(tmp, 'elsewhere', 'dpo-gpu');
      cpSync(join(out, 'carry', 'dpo-gpu'), place, { recursive: true });
      rmSync(out, { recursive: true, force: true });
      for (let d = place; d !== dirname(d); d = dirname(d)) {
        expect(existsSync(join(d, 'node_modules')), `${d}/node_modules`).toBe(false);
      }
      const results = join(tmp, 'results');
      const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD };
      delete env.NODE_PATH;
      delete env.NODE_OPTIONS; // vitest's own loader hooks must not help the bundle
      const quick = await run('bash', [join(place, 'run.sh'), '--quick', '--out', results], {
        cwd: tmp,
        env,
        maxBuffer: 64 * MiB,
      }).catch((e: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(
          `run.sh --quick failed: ${e.message}\n${e.stdout}\n${e.stderr?.slice(-4000)}`,
        );
      });
      expect(quick.stdout).toContain('wrote ');

      const file = readdirSync(results).find((f) => f.endsWith('-quick.json'));
      expect(file).toBeDefined();
      const r = JSON.parse(readFileSync(join(results, file ?? ''), 'utf8'));
      expect(r.failures).toEqual([]);
      expect(r.adapter.architecture).toBe('swiftshader');
      expect(r.runtime.execPath).toBe(join(place, 'node', 'node'));
      expect(r.runtime.vulkanLoader).toBe(`folder: ${join(place, 'lib', 'libvulkan.so.1')}`);

      // Bench: the real nano step on WebGPU. Params by hand: V·C + T·C + L·block + 2C with
      // V 1024, T 64, C 32, L 2, block = 4C + 3C²+3C + C²+C + 4C²+4C + 4C²+C = 12,704.
      const nano = r.bench[0].ours;
      expect(r.bench[0].preset).toBe('nano');
      expect(nano.backend).toBe('webgpu');
      expect(nano.params).toBe(1024 * 32 + 64 * 32 + 2 * 12_704 + 64);
      expect(nano.stepMs.median).toBeGreaterThan(0);
      expect(nano.efficiency).toBeGreaterThan(0);
      expect(nano.tensorGrowth).toBe(0);

      // Demo: π_θ = π_ref at the first step, so the first DPO loss is ln 2; one step moves π_θ.
      expect(r.demo.backend).toBe('webgpu');
      expect(r.demo.pairs).toBeGreaterThan(0);
      expect(r.demo.firstLoss).toBeCloseTo(Math.LN2, 4);
      expect(r.demo.evaluations.map((e: { step: number }) => e.step)).toEqual([0, 1]);
      expect(r.demo.evaluations[0].kl).toBe(0);
      expect(r.demo.evaluations[1].kl).toBeGreaterThan(0);
      expect(r.demo.secondsToDone).toBeGreaterThan(r.demo.secondsToReady);

      // Frontier: the SFT point at KL 0 and a DPO run whose step moved it off π_ref.
      const runs = r.frontier.runs as { runId: string; final: { kl: number } }[];
      expect(runs.map((x) => x.runId)).toEqual(['sft', 'dpo-beta0.1']);
      expect(runs[0]?.final.kl).toBe(0);
      expect(runs[1]?.final.kl).toBeGreaterThan(0);
      const md = readFileSync(join(results, file?.replace(/json$/, 'md') ?? ''), 'utf8');
      expect(md).toContain('| node | webgpu | nano | 60288 |');
      expect(md).toContain('# Reward–KL frontier: quick');
    },
    20 * 60_000,
  );
});
