/**
 * A class's labels together: pooled TRL JSONL files ({"prompt", "chosen", "rejected"} per line,
 * plus an optional "labeller") read as labels. Pure: the worker tokenizes the rows and adds
 * them to the label set (data/labels.ts).
 *
 * The rule for duplicates and conflicts: rows about the same pair (the same prompt and the same
 * two completions, in either order, compared by `canonicalText`) become one label; the majority
 * of their votes decides it, an even split is a tie (kept, never trained on), and every labeller
 * is listed. A pair already in the set (labelled here or imported before) is not imported again,
 * and a row about a pair of the set's test round never becomes a label: test pairs never train.
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
      if (canonicalText(chosen) === canonicalText(rejected))
        throw new Error('the same completion twice');
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

/**
 * A pair's text as keys compare it, whatever route the pair took (labelled here, exported,
 * re-imported, another tool's file): end-of-text markers dropped (the export writes the text of
 * the ids trained on, so its prompt starts, and a completion that stopped ends, with one),
 * Unicode NFC, each run of whitespace one space, trimmed (so which side of the prompt /
 * completion split a space sits on does not matter).
 */
export function canonicalText(text: string): string {
  return withoutMarkers(text).normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** The same key for (x, y1, y2) and (x, y2, y1), and for every route's text of them. */
export function pairKey(prompt: string, y1: string, y2: string): string {
  const [p, a, b] = [canonicalText(prompt), canonicalText(y1), canonicalText(y2)];
  return JSON.stringify(a < b ? [p, a, b] : [p, b, a]);
}

/**
 * Pooled rows merged into labels by the rule above. `existing` holds the keys of pairs already
 * labelled: their rows are dropped and counted (`known`); so are rows about one of `testPairs`
 * (the keys of the test round's pairs), counted in `test` too.
 */
export function mergePooled(
  rows: readonly PooledRow[],
  existing: ReadonlySet<string> = new Set(),
  testPairs: ReadonlySet<string> = new Set(),
): { labels: PooledLabel[]; duplicates: number; conflicts: number; known: number; test: number } {
  const groups = new Map<string, { label: PooledLabel; aText: string }>();
  let known = 0;
  let testRows = 0;
  for (const r of rows) {
    const key = pairKey(r.prompt, r.chosen, r.rejected);
    const isTest = testPairs.has(key);
    const isKnown = existing.has(key);
    if (isTest) testRows++;
    if (isKnown) known++;
    if (isTest || isKnown) continue;
    let g = groups.get(key);
    if (!g) {
      const label: PooledLabel = {
        prompt: r.prompt,
        a: r.chosen,
        b: r.rejected,
        choice: 'a',
        votes: { a: 0, b: 0 },
        labellers: [],
      };
      g = { label, aText: canonicalText(r.chosen) };
      groups.set(key, g);
    }
    // A row with the export's markers votes for the same completion as a row without them.
    if (canonicalText(r.chosen) === g.aText) g.label.votes.a++;
    else g.label.votes.b++;
    if (!g.label.labellers.includes(r.labeller)) g.label.labellers.push(r.labeller);
  }
  let duplicates = 0;
  let conflicts = 0;
  const labels = [...groups.values()].map(({ label: g }) => {
    const n = g.votes.a + g.votes.b;
    duplicates += n - 1;
    if (g.votes.a > 0 && g.votes.b > 0) conflicts++;
    const choice: PooledLabel['choice'] =
      g.votes.a > g.votes.b ? 'a' : g.votes.b > g.votes.a ? 'b' : 'tie';
    return { ...g, choice };
  });
  return { labels, duplicates, conflicts, known, test: testRows };
}

function withoutMarkers(text: string): string {
  return text.split(EOT_TEXT).join('');
}

/** Text with end-of-text markers as eot ids: the export's " fine.<|endoftext|>" ends with eot. */
function encodeMarked(text: string, tokenizer: { eot: number; encode(t: string): number[] }) {
  return text
    .split(EOT_TEXT)
    .flatMap((piece, i) => [
      ...(i > 0 ? [tokenizer.eot] : []),
      ...(piece === '' ? [] : tokenizer.encode(piece)),
    ]);
}

/**
 * Merged pooled labels as new labels of the set, tokenized as the pipeline trains on them: the
 * text without end-of-text markers (as the card shows a sampled pair), the ids with them (a
 * completion that stopped keeps its end-of-text, as a sampled one does).
 */
export function newImportedLabels(
  labels: readonly PooledLabel[],
  tokenizer: { eot: number; encode(text: string): number[] },
): NewLabel[] {
  return labels.map((p) => ({
    prompt: withoutMarkers(p.prompt),
    a: withoutMarkers(p.a),
    b: withoutMarkers(p.b),
    promptIds: [tokenizer.eot, ...encodeMarked(p.prompt, tokenizer)],
    aIds: encodeMarked(p.a, tokenizer),
    bIds: encodeMarked(p.b, tokenizer),
    choice: p.choice,
    source: 'import',
    sampledFrom: 'ref',
    labellers: p.labellers,
    votes: p.votes,
  }));
}
