/**
 * The layers of style.md, from the floor up: util and tokenizer; model, objectives, data,
 * task; pipeline; worker; ui. A module imports only from its own layer or below (type
 * imports too: a type from above couples the layers as much as a value does). Tests may
 * cross layers; no module that is not a test imports the test helpers of src/test/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');
const UPPER = ['pipeline', 'worker', 'ui'] as const;

/** Folder of src/ → the folders of src/ its modules must not import. */
const FORBIDDEN: Record<string, readonly string[]> = {
  util: ['tokenizer', 'model', 'objectives', 'data', 'task', 'storage', 'share', ...UPPER],
  tokenizer: ['model', 'objectives', 'data', 'task', 'storage', 'share', ...UPPER],
  model: UPPER,
  objectives: UPPER,
  data: UPPER,
  task: UPPER,
  pipeline: ['worker', 'ui'],
  worker: ['ui'],
};

const IMPORT =
  /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

const isTest = (file: string) => /\.test\.tsx?$/.test(file);

/** The folder of src/ a module path lies in ('' for a file at the top of src/). */
function folderOf(path: string): string {
  const parts = relative(SRC, path).split('/');
  return parts.length > 1 ? (parts[0] ?? '') : '';
}

/** "file → import" for every import of `file` (source text `text`) that breaks a rule. */
function violations(file: string, text: string): string[] {
  if (isTest(file) || folderOf(file) === 'test') return [];
  const forbidden = FORBIDDEN[folderOf(file)] ?? [];
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? '';
    if (!spec.startsWith('.')) continue;
    const target = folderOf(resolve(dirname(file), spec));
    if (forbidden.includes(target) || target === 'test') {
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
  });
});
