/**
 * The layers of docs/architecture.md ("Layers"), from the floor up: util and tokenizer; model,
 * objectives, data, task, storage; pipeline; share; worker; ui (a module at the top of src/,
 * main.tsx, counts as ui). A module imports only from its own layer or below (type imports
 * too: a type from above couples the layers as much as a value does). node/ and bench/ are
 * host-side (Node code for the tests, the bench and the scripts): they may import the app,
 * but no module of the app imports them or anything outside src/. Tests may cross layers;
 * no module that is not a test imports the test helpers of src/test/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');

/** The folders of src/ in layers, from the floor up. */
const LAYERS: readonly (readonly string[])[] = [
  ['util', 'tokenizer'],
  ['model', 'objectives', 'data', 'task', 'storage'],
  ['pipeline'],
  ['share'],
  ['worker'],
  ['ui'],
];
/** Host-side folders of src/: only tests and other host-side modules import them. */
const HOST = ['node', 'bench'] as const;
/** The test helpers: only tests (and other helpers) import them. */
const TEST = 'test';
/** What a path outside src/ (bench/, scripts/, e2e/) counts as: host-side. */
const OUTSIDE = '..';
/** The layer of a module at the top of src/ (main.tsx). */
const TOP = 'ui';

/** Folder of src/ → the folders of src/ its modules must not import, derived from LAYERS. */
const FORBIDDEN = new Map<string, readonly string[]>([
  ...LAYERS.flatMap((layer, i) => {
    const above = [...LAYERS.slice(i + 1).flat(), ...HOST, OUTSIDE, TEST];
    return layer.map((folder) => [folder, above] as const);
  }),
  ...HOST.map((folder) => [folder, [TEST]] as const),
]);

const IMPORT =
  /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

const isTest = (file: string) => /\.test\.tsx?$/.test(file);

/** The folder of src/ a path lies in: TOP for a file at the top, OUTSIDE for one outside src/. */
function folderOf(path: string): string {
  const parts = relative(SRC, path).split('/');
  if (parts[0] === OUTSIDE) return OUTSIDE;
  return parts.length > 1 ? (parts[0] ?? '') : TOP;
}

/** "file → import" for every import of `file` (source text `text`) that breaks a rule. */
function violations(file: string, text: string): string[] {
  if (isTest(file) || folderOf(file) === TEST) return [];
  // A folder with no rule is caught by the test that every folder has one.
  const forbidden = FORBIDDEN.get(folderOf(file)) ?? [];
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? '';
    if (!spec.startsWith('.')) continue;
    const target = folderOf(resolve(dirname(file), spec));
    if (forbidden.includes(target)) {
      out.push(`${relative(SRC, file)} → ${spec}`);
    }
  }
  return out;
}

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return modules(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

describe('layering', () => {
  it('no module imports from a layer above its own, or the test helpers', () => {
    const files = modules(SRC);
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap((f) => violations(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('catches the imports it is meant to (value, type, re-export, dynamic)', () => {
    const at = (path: string) => join(SRC, path);
    expect(violations(at('tokenizer/bpe.ts'), "import { p } from '../model/hf/preview';")).toEqual([
      'tokenizer/bpe.ts → ../model/hf/preview',
    ]);
    const pipeline = [
      "import type { V } from '../worker/views';",
      "export { x } from '../ui/store';",
      "const m = await import('../worker/client');",
      'import {\n  a,\n  b,\n} from "../test/helpers";',
      "import { ok } from '../model/gpt';",
    ].join('\n');
    expect(violations(at('pipeline/dpoRun.ts'), pipeline)).toEqual([
      'pipeline/dpoRun.ts → ../worker/views',
      'pipeline/dpoRun.ts → ../ui/store',
      'pipeline/dpoRun.ts → ../worker/client',
      'pipeline/dpoRun.ts → ../test/helpers',
    ]);
    // Tests may cross layers.
    expect(violations(at('model/gpt.test.ts'), "import { x } from '../worker/exports';")).toEqual(
      [],
    );
    // share/ lies above pipeline/ and below worker/; storage/ shares model/'s layer.
    const share = [
      "import { BACKEND_NAMES } from '../worker/protocol';",
      "import type { DpoRunSettings } from '../pipeline/dpoRun';",
    ].join('\n');
    expect(violations(at('share/url.ts'), share)).toEqual(['share/url.ts → ../worker/protocol']);
    const model = [
      "import { s } from '../storage/records';",
      "import { m } from '../share/models';",
    ];
    expect(violations(at('model/gpt.ts'), model.join('\n'))).toEqual([
      'model/gpt.ts → ../share/models',
    ]);
    // A module at the top of src/ is ui: it may import the worker, nothing below imports it.
    expect(violations(at('main.tsx'), "import { App } from './ui/App';")).toEqual([]);
    expect(violations(at('worker/client.ts'), "import '../main';")).toEqual([
      'worker/client.ts → ../main',
    ]);
    // The host-side folders, and what lies outside src/, are for tests and host-side code.
    const host = [
      "import { installDawn } from '../node/backend';",
      "import { fmt } from '../bench/table';",
      "import { r } from '../../bench/report';",
    ].join('\n');
    expect(violations(at('main.tsx'), "import { fmt } from './bench/table';")).toEqual([
      'main.tsx → ./bench/table',
    ]);
    expect(violations(at('util/math.ts'), host)).toEqual([
      'util/math.ts → ../node/backend',
      'util/math.ts → ../bench/table',
      'util/math.ts → ../../bench/report',
    ]);
    const bench = [
      "import type { C } from '../model/config';",
      "import { h } from '../test/helpers';",
    ];
    expect(violations(at('bench/flops.ts'), bench.join('\n'))).toEqual([
      'bench/flops.ts → ../test/helpers',
    ]);
  });

  it('gives every folder of src/ a rule: a layer, host-side, or the test helpers', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    const ruled = [...LAYERS.flat(), ...HOST, TEST];
    expect(new Set(ruled).size).toBe(ruled.length);
    expect([...folders].sort()).toEqual([...ruled].sort());
  });
});
