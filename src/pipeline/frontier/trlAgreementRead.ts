/**
 * Node side of trlAgreement.ts: a folder's two result sets as the runner and the TRL job (after
 * the app's `--replot`) wrote them, `app/` and `trl/`, each summary.json and points.csv (full
 * precision). The docs that hold agreement blocks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePointsCsv } from './points';
import type { BothStacks, StackSummary } from './trlAgreement';

export const DOCS_WITH_AGREEMENT = ['docs/huggingface-trl.md'] as const;

function readStack(dir: string): BothStacks['app'] {
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as StackSummary;
  return {
    runs: summary.runs,
    points: parsePointsCsv(readFileSync(join(dir, 'points.csv'), 'utf8')),
  };
}

export function readBothStacks(folder: string): BothStacks {
  return { app: readStack(join(folder, 'app')), trl: readStack(join(folder, 'trl')) };
}
