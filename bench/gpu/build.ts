/**
 * `npm run bundle:gpu`: builds the self-contained GPU bundle, `<out>/dpo-gpu/` (default out
 * dist-gpu): the bench, demo and frontier code bundled by esbuild into ESM files with no
 * imports outside Node's own, Dawn's dawn.node (the `webgpu` package's linux-x64 build), the
 * shipped SFT checkpoint, the sweeps, run.sh and a README. Fails when it exceeds 40 MiB.
 * `--carry` also makes `<out>/carry/dpo-gpu/`, what travels to a GPU machine that has no Node:
 * the bundle with dawn.node gzipped, a gzipped Node binary (`--node`, default this one) and
 * the Vulkan loader (`--vulkan`, default the system's libvulkan.so.1); fails over 64 MiB.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

export const BUNDLE_LIMIT = 40 * 2 ** 20;
export const CARRY_LIMIT = 64 * 2 ** 20;
const ROOT = resolve(import.meta.dirname, '..', '..');
const DAWN = 'node_modules/webgpu/dist/linux-x64/dawn.node';

/** Modules the GPU bundle leaves out: imported only on paths it never takes. */
const STUBS: Record<string, string> = {
  '@tensorflow/tfjs-backend-wasm': 'the wasm backend is not in the GPU bundle (webgpu only)',
  './peer': 'the peer (@genai-fi/nanogpt) is not in the GPU bundle: it needs a browser',
};

const stubs: Plugin = {
  name: 'stubs',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(STUBS).map(escapeRegExp).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(STUBS[args.path])});`,
      loader: 'js',
    }));
  },
};

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

/** Every file under `dir` with its size, paths relative to `dir`. */
export function listFiles(dir: string): { path: string; bytes: number }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const full = join(e.parentPath, e.name);
      return { path: relative(dir, full), bytes: statSync(full).size };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

const total = (files: { bytes: number }[]) => files.reduce((s, f) => s + f.bytes, 0);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export async function buildBundle(outRoot: string): Promise<string> {
  const dir = join(outRoot, 'dpo-gpu');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: {
      main: 'bench/gpu/main.ts',
      config: 'bench/nodeConfig.ts',
      demo: 'bench/gpu/demo.ts',
      frontier: 'scripts/frontier.ts',
    },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    // Shared code (tfjs above all) in chunks beside the entries: webgpu's index.js finds
    // dawn.node at dist/<platform>-<arch>/ next to the file it is bundled into.
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'eof',
    // tfjs's CommonJS code calls require() (Node built-ins) from inside the ESM bundle.
    banner: {
      js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
    },
    plugins: [stubs],
    logLevel: 'warning',
    // sentiment's getLanguage(code) require()s other languages by name; the app uses English.
    logOverride: { 'empty-glob': 'silent' },
  });
  mkdirSync(join(dir, 'dist', 'linux-x64'), { recursive: true });
  copyFileSync(join(ROOT, DAWN), join(dir, 'dist', 'linux-x64', 'dawn.node'));
  mkdirSync(join(dir, 'public', 'checkpoints'), { recursive: true });
  copyFileSync(
    join(ROOT, 'public', 'checkpoints', 'sft-nano.json'),
    join(dir, 'public', 'checkpoints', 'sft-nano.json'),
  );
  mkdirSync(join(dir, 'sweeps'), { recursive: true });
  for (const f of readdirSync(join(ROOT, 'bench', 'gpu', 'sweeps'))) {
    copyFileSync(join(ROOT, 'bench', 'gpu', 'sweeps', f), join(dir, 'sweeps', f));
  }
  copyFileSync(join(ROOT, 'frontier', 'default.json'), join(dir, 'sweeps', 'default.json'));
  copyFileSync(join(ROOT, 'bench', 'gpu', 'run.sh'), join(dir, 'run.sh'));
  chmodSync(join(dir, 'run.sh'), 0o755);
  copyFileSync(join(ROOT, 'bench', 'gpu', 'README.md'), join(dir, 'README.md'));
  mkdirSync(join(dir, 'results'), { recursive: true });

  const pkg = (name: string) =>
    JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  const files = listFiles(dir);
  const manifest = {
    commit: git(['rev-parse', 'HEAD']) || 'unknown',
    dirty: git(['status', '--porcelain']) !== '',
    built: new Date().toISOString(),
    builtWithNode: process.version,
    packages: {
      '@tensorflow/tfjs': pkg('@tensorflow/tfjs'),
      '@tensorflow/tfjs-backend-webgpu': pkg('@tensorflow/tfjs-backend-webgpu'),
      webgpu: pkg('webgpu'),
    },
    bytes: total(files),
    files,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const bytes = total(listFiles(dir));
  if (bytes > BUNDLE_LIMIT) {
    throw new Error(`the bundle is ${mib(bytes)}, over the ${mib(BUNDLE_LIMIT)} limit`);
  }
  console.log(`bundle: ${dir} (${mib(bytes)}, limit ${mib(BUNDLE_LIMIT)})`);
  return dir;
}

function systemVulkanLoader(): string {
  for (const d of ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib']) {
    if (existsSync(join(d, 'libvulkan.so.1'))) return join(d, 'libvulkan.so.1');
  }
  throw new Error('no libvulkan.so.1 here (apt-get install libvulkan1, or pass --vulkan FILE)');
}

/** gzip level 6: Node's binary 99 → 36.9 MB in 8 s here; level 9 saves 0.4 % in 3× the time. */
function gzipFile(from: string, to: string): void {
  writeFileSync(to, gzipSync(readFileSync(from), { level: 6 }));
}

/** The bundle plus a gzipped Node and the Vulkan loader, as `<outRoot>/carry/dpo-gpu/`. */
export function buildCarry(bundle: string, outRoot: string, node: string, vulkan: string): string {
  const dir = join(outRoot, 'carry', 'dpo-gpu');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  cpSync(bundle, dir, { recursive: true });
  const dawn = join(dir, 'dist', 'linux-x64', 'dawn.node');
  gzipFile(dawn, `${dawn}.gz`);
  rmSync(dawn);
  mkdirSync(join(dir, 'node'), { recursive: true });
  gzipFile(realpathSync(node), join(dir, 'node', 'node.gz'));
  mkdirSync(join(dir, 'lib'), { recursive: true });
  copyFileSync(realpathSync(vulkan), join(dir, 'lib', 'libvulkan.so.1'));
  const bytes = total(listFiles(dir));
  if (bytes > CARRY_LIMIT) {
    throw new Error(`the carry is ${mib(bytes)}, over the ${mib(CARRY_LIMIT)} limit`);
  }
  console.log(`carry: ${dir} (${mib(bytes)}, limit ${mib(CARRY_LIMIT)})`);
  return dir;
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      out: { type: 'string', default: 'dist-gpu' },
      carry: { type: 'boolean', default: false },
      node: { type: 'string', default: process.execPath },
      vulkan: { type: 'string' },
    },
  });
  const outRoot = resolve(a.out ?? 'dist-gpu');
  const bundle = await buildBundle(outRoot);
  if (a.carry) {
    buildCarry(bundle, outRoot, a.node ?? process.execPath, a.vulkan ?? systemVulkanLoader());
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
