/**
 * Keeps the "add a loss variant" and "add a hyperparameter" recipes of docs/extending.md true:
 * an objective is a row of the loss table (lossConfig.ts) and its case in losses.ts; a
 * hyperparameter is a setting in LOSS_PARAMS, named in the rows that use it, and read in
 * losses.ts. No other source file may name one (presets may, as optional starting points):
 * the picker, the controls, the share link, the sweep config and migration derive from the table
 * (presets and guided experiments may name one as a starting point).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOSS_PARAMS, LOSS_TYPES } from './lossConfig';

const SRC = 'src';
/**
 * The files of the recipes, then the presets and the guided experiments, which may pick a
 * variant as a starting point (optional: a new variant needs neither).
 */
const ALLOWED = [
  'objectives/lossConfig.ts',
  'objectives/losses.ts',
  'share/presets.ts',
  'pipeline/experiments/experiments.ts',
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

const FILES = sources(SRC).map((f) => ({ file: relative(SRC, f), text: readFileSync(f, 'utf8') }));

/** The source files (outside the allowed ones) whose text matches `pattern`. */
const namedOutside = (pattern: RegExp) =>
  FILES.filter((f) => !ALLOWED.includes(f.file) && pattern.test(f.text)).map((f) => f.file);

describe('adding a loss variant or a hyperparameter', () => {
  it('no other source file names an objective', () => {
    expect(FILES.length).toBeGreaterThan(100);
    for (const type of LOSS_TYPES.filter((t) => t !== 'sigmoid')) {
      expect(namedOutside(new RegExp(`['"]${type}['"]`)), type).toEqual([]);
    }
  });

  it('no other source file names a hyperparameter', () => {
    // 'reduction' is also the word of the log-prob and kernel code; its setting is checked by
    // the picker test (objectivePicker.cpu-only.test.ts), which iterates LOSS_PARAMS.
    for (const key of Object.keys(LOSS_PARAMS).filter((k) => k !== 'reduction')) {
      expect(namedOutside(new RegExp(`\\b${key}\\b`)), key).toEqual([]);
    }
  });

  it('docs/extending.md names the same files', () => {
    const doc = readFileSync('docs/extending.md', 'utf8');
    for (const file of ALLOWED.slice(0, 2)) expect(doc).toContain(`src/${file}`);
  });
});
