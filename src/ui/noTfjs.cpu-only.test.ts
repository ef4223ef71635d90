/**
 * The React UI never loads tfjs: only the worker does. Walks the value imports (not
 * `import type`) reachable from the page's entry and fails on any path to @tensorflow.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function resolveLocal(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const ext of ['', '.ts', '.tsx', '/index.ts']) {
    if (existsSync(base + ext) && !(ext === '' && !/\.[cm]?[tj]sx?$/.test(base))) return base + ext;
  }
  return null;
}

/** Every module reachable from `entry`, with the chain that reached it. */
function valueImports(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  for (let file = queue.shift(); file; file = queue.shift()) {
    const chain = seen.get(file) ?? [];
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? '';
      if (spec.endsWith('.css')) continue;
      const target = spec.startsWith('.') ? resolveLocal(file, spec) : spec;
      if (!target || seen.has(target)) continue;
      seen.set(target, [...chain, target]);
      if (target.startsWith('/')) queue.push(target);
    }
  }
  return seen;
}

describe('the UI bundle', () => {
  it('does not import tfjs from the main thread', () => {
    const graph = valueImports(resolve('src/main.tsx'));
    const tf = [...graph].filter(([m]) => m.startsWith('@tensorflow'));
    expect(tf.map(([, chain]) => chain.join(' → '))).toEqual([]);
    // The walk did reach the UI and the worker client (which starts the worker by URL).
    expect([...graph.keys()].some((m) => m.endsWith('src/ui/App.tsx'))).toBe(true);
    expect([...graph.keys()].some((m) => m.endsWith('src/worker/client.ts'))).toBe(true);
  });
});
