/**
 * A class's labels together: pooled TRL JSONL files ({"prompt", "chosen", "rejected"} per line,
 * plus an optional "labeller") read as labels. Pure: the worker tokenizes the rows and adds
 * them to the label set (data/labels.ts).
 *
 * The rule for duplicates and conflicts: rows about the same pair (the same prompt and the same
 * two completions, in either order) become one label; the majority of their votes decides it,
 * an even split is a tie (kept, never trained on), and every labeller is listed. A pair
 * already in the set (labelled here or imported before) is not imported again.
 */

export interface PooledRow {
  prompt: string;
  chosen: string;
  rejected: string;
  /** Who labelled it: the row's "labeller", else the file's name. */
  labeller: string;
}

export interface PooledLabel {
  prompt: string;
  /** The completions as shown: a is the first row's chosen. */
  a: string;
  b: string;
  choice: 'a' | 'b' | 'tie';
  votes: { a: number; b: number };
  labellers: string[];
}

import type { NewLabel } from './labels';

/** The app's export writes the prompt after an end-of-text marker: dropped here. */
const EOT_TEXT = '<|endoftext|>';

/** Rows of a pooled JSONL file; lines that are no pair are counted, not fatal. */
export function parsePooledJsonl(
  text: string,
  fileName: string,
): { rows: PooledRow[]; skipped: number } {
  const rows: PooledRow[] = [];
  let skipped = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      const { prompt, chosen, rejected, labeller } = o;
      if (typeof prompt !== 'string' || typeof chosen !== 'string' || typeof rejected !== 'string')
        throw new Error('not a pair');
      if (chosen === rejected) throw new Error('the same completion twice');
      rows.push({
        prompt: prompt.startsWith(EOT_TEXT) ? prompt.slice(EOT_TEXT.length) : prompt,
        chosen,
        rejected,
        labeller: typeof labeller === 'string' && labeller.trim() !== '' ? labeller : fileName,
      });
    } catch {
      skipped++;
    }
  }
  return { rows, skipped };
}

/** The same key for (x, y1, y2) and (x, y2, y1). */
export function pairKey(prompt: string, y1: string, y2: string): string {
  return JSON.stringify(y1 < y2 ? [prompt, y1, y2] : [prompt, y2, y1]);
}

/**
 * Pooled rows merged into labels by the rule above; `existing` holds the keys of pairs already
 * labelled (they are dropped and counted).
 */
export function mergePooled(
  rows: readonly PooledRow[],
  existing: ReadonlySet<string> = new Set(),
): { labels: PooledLabel[]; duplicates: number; conflicts: number; known: number } {
  const groups = new Map<string, PooledLabel>();
  let known = 0;
  for (const r of rows) {
    const key = pairKey(r.prompt, r.chosen, r.rejected);
    if (existing.has(key)) {
      known++;
      continue;
    }
    let g = groups.get(key);
    if (!g) {
      g = {
        prompt: r.prompt,
        a: r.chosen,
        b: r.rejected,
        choice: 'a',
        votes: { a: 0, b: 0 },
        labellers: [],
      };
      groups.set(key, g);
    }
    if (r.chosen === g.a) g.votes.a++;
    else g.votes.b++;
    if (!g.labellers.includes(r.labeller)) g.labellers.push(r.labeller);
  }
  let duplicates = 0;
  let conflicts = 0;
  const labels = [...groups.values()].map((g) => {
    const n = g.votes.a + g.votes.b;
    duplicates += n - 1;
    if (g.votes.a > 0 && g.votes.b > 0) conflicts++;
    const choice: PooledLabel['choice'] =
      g.votes.a > g.votes.b ? 'a' : g.votes.b > g.votes.a ? 'b' : 'tie';
    return { ...g, choice };
  });
  return { labels, duplicates, conflicts, known };
}

/** Merged pooled labels as new labels of the set, tokenized as the pipeline trains on them. */
export function newImportedLabels(
  labels: readonly PooledLabel[],
  tokenizer: { eot: number; encode(text: string): number[] },
): NewLabel[] {
  return labels.map((p) => ({
    prompt: p.prompt,
    a: p.a,
    b: p.b,
    promptIds: [tokenizer.eot, ...tokenizer.encode(p.prompt)],
    aIds: tokenizer.encode(p.a),
    bIds: tokenizer.encode(p.b),
    choice: p.choice,
    source: 'import',
    sampledFrom: 'ref',
    labellers: p.labellers,
    votes: p.votes,
  }));
}
