/**
 * File containers: JSONL (one value per line), a JSON array (or an object holding one), and CSV
 * with a header row. Each yields raw records with a human location ("line 7", "index 3"); a
 * record that cannot be read carries the reason instead of a value. Never throws.
 */
import Papa from 'papaparse';
import { extensionOf, formatCount } from './decode';

export type ContainerFormat = 'jsonl' | 'json' | 'csv';

export type RawRecord = { where: string; value: unknown } | { where: string; error: string };

/** Called once per record in file order; return false to stop reading. */
type RecordVisitor = (record: RawRecord) => boolean;

export type ContainerLimits = {
  /** Longest JSONL line or CSV row read; longer ones are skipped unparsed. */
  maxRowChars: number;
  /** Deepest JSON nesting accepted; checked before JSON.parse so no parser recursion is risked. */
  maxDepth: number;
};

export type OpenedContainer =
  | {
      ok: true;
      format: ContainerFormat;
      /** Something the user should know about how rows were found. */
      note?: string;
      forEachRecord: (visit: RecordVisitor) => void;
    }
  | { ok: false; error: string };

/**
 * Offset of the first bracket that nests deeper than maxDepth in JSON text (strings skipped),
 * or -1. Linear and iterative, so it is safe on any input.
 */
function jsonDepthViolation(text: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped char
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > maxDepth) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return -1;
}

type JsonParse = { ok: true; value: unknown } | { ok: false; error: string };

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** JSON.parse behind the depth check; errors name the line when the engine gives a position. */
function parseJson(text: string, maxDepth: number, withLine: boolean): JsonParse {
  const deep = jsonDepthViolation(text, maxDepth);
  if (deep >= 0) {
    const at = withLine ? ` (line ${formatCount(lineOfOffset(text, deep))})` : '';
    return { ok: false, error: `JSON nested deeper than ${maxDepth} levels${at}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(message)?.[1];
    const at = withLine && pos !== undefined ? ` (line ${lineOfOffset(text, Number(pos))})` : '';
    return { ok: false, error: `not valid JSON: ${message}${at}` };
  }
}

function jsonLines(text: string, limits: ContainerLimits): (visit: RecordVisitor) => void {
  return (visit) => {
    let pos = 0;
    let line = 0;
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      line++;
      const where = `line ${formatCount(line)}`;
      const length = end - pos;
      let record: RawRecord | undefined;
      if (length > limits.maxRowChars) {
        record = {
          where,
          error: `line is ${formatCount(length)} characters long, over the ${formatCount(limits.maxRowChars)}-character limit`,
        };
      } else {
        const source = text.slice(pos, end);
        if (source.trim() !== '') {
          const parsed = parseJson(source, limits.maxDepth, false);
          record = parsed.ok ? { where, value: parsed.value } : { where, error: parsed.error };
        }
      }
      pos = end + 1;
      if (record !== undefined && !visit(record)) return;
    }
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arrayItems(items: readonly unknown[]): (visit: RecordVisitor) => void {
  return (visit) => {
    for (let i = 0; i < items.length; i++) {
      if (!visit({ where: `index ${formatCount(i)}`, value: items[i] })) return;
    }
  };
}

/** A whole-file JSON object: rows under its one list-of-objects field, or one row itself. */
function jsonObject(value: Record<string, unknown>): OpenedContainer {
  const lists = Object.keys(value).filter((k) => {
    const v = value[k];
    return Array.isArray(v) && v.length > 0 && v.every(isPlainObject);
  });
  const only = lists.length === 1 ? lists[0] : undefined;
  const rows = only === undefined ? undefined : value[only];
  if (only !== undefined && Array.isArray(rows)) {
    return {
      ok: true,
      format: 'json',
      note: `rows read from the \`${only}\` field`,
      forEachRecord: arrayItems(rows),
    };
  }
  return { ok: true, format: 'json', forEachRecord: (visit) => visit({ where: 'row 1', value }) };
}

function csvRows(text: string, limits: ContainerLimits): (visit: RecordVisitor) => void {
  return (visit) => {
    let newlines = 0; // '\n' in text[0, counted)
    let counted = 0;
    let previousCursor = 0;
    const headers = new Set<string>();
    const nextSuffix = new Map<string, number>(); // keeps renaming linear in the header width
    Papa.parse<Record<string, unknown>>(text, {
      header: true,
      skipEmptyLines: 'greedy',
      // Repeated names get _2, _3 here, so papaparse has none to rename (it would console.warn).
      transformHeader: (raw) => {
        const base = raw.trim();
        let name = base;
        let k = nextSuffix.get(base) ?? 2;
        while (headers.has(name)) name = `${base}_${k++}`;
        nextSuffix.set(base, k);
        headers.add(name);
        return name;
      },
      step: (results, parser) => {
        const cursor = results.meta.cursor;
        for (; counted < cursor; counted++) if (text.charCodeAt(counted) === 10) newlines++;
        // The row ends on the line of its last char; quoted newlines inside it move its start up.
        const endLine = newlines + (text.charCodeAt(cursor - 1) === 10 ? 0 : 1);
        const row = results.data;
        const where = `line ${formatCount(endLine - newlinesInValues(row))}`;
        const length = cursor - previousCursor;
        previousCursor = cursor;
        const problem = results.errors.find((e) => e.code !== 'UndetectableDelimiter');
        let record: RawRecord;
        if (length > limits.maxRowChars) {
          record = {
            where,
            error: `row is ${formatCount(length)} characters long, over the ${formatCount(limits.maxRowChars)}-character limit`,
          };
        } else if (problem !== undefined) {
          record = { where, error: `CSV: ${problem.message}` };
        } else record = { where, value: row };
        if (!visit(record)) parser.abort();
      },
    });
  };
}

function newlinesInValues(row: Record<string, unknown>): number {
  let n = 0;
  for (const v of Object.values(row)) {
    const parts = Array.isArray(v) ? v : [v];
    for (const p of parts) {
      if (typeof p !== 'string') continue;
      for (let i = p.indexOf('\n'); i >= 0; i = p.indexOf('\n', i + 1)) n++;
    }
  }
  return n;
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}

/** A CSV header row: some delimiter-separated cell names one of the expected columns. */
function looksLikeCsvHeader(line: string, columns: readonly string[]): boolean {
  const cells = line.split(/[,;\t|]/).map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
  return cells.length > 1 && cells.some((c) => columns.includes(c));
}

/**
 * Detects the container: .csv/.tsv → CSV; text starting with "[" → JSON array; "{" → JSONL,
 * or one JSON object when the file is one line or its first line is not a whole value (never
 * for .jsonl names); other .jsonl → JSONL; else CSV when the first line is a header naming one
 * of `csvColumns`. Line numbers count "\n" (old Mac "\r"-only files read, but as one line).
 */
export function openContainer(
  name: string,
  text: string,
  limits: ContainerLimits,
  csvColumns: readonly string[],
): OpenedContainer {
  const ext = extensionOf(name);
  const start = text.search(/\S/);
  const lead = start < 0 ? '' : text.charAt(start);
  if (ext === 'csv' || ext === 'tsv')
    return { ok: true, format: 'csv', forEachRecord: csvRows(text, limits) };
  if (lead === '[') {
    const parsed = parseJson(text, limits.maxDepth, true);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    if (!Array.isArray(parsed.value))
      return { ok: false, error: 'not valid JSON: expected an array' };
    return { ok: true, format: 'json', forEachRecord: arrayItems(parsed.value) };
  }
  if (lead === '{') {
    const body = text.slice(start).trimEnd();
    const head = firstLine(body);
    const oneLine = head.length === body.length;
    const headIsValue =
      !oneLine && head.length <= limits.maxRowChars && parseJson(head, limits.maxDepth, false).ok;
    if (!headIsValue && ext !== 'jsonl' && ext !== 'ndjson') {
      const whole = parseJson(body, limits.maxDepth, true);
      if (whole.ok && isPlainObject(whole.value)) return jsonObject(whole.value);
    }
    return { ok: true, format: 'jsonl', forEachRecord: jsonLines(text, limits) };
  }
  if (ext === 'jsonl' || ext === 'ndjson') {
    return { ok: true, format: 'jsonl', forEachRecord: jsonLines(text, limits) };
  }
  if (ext === 'json') {
    return { ok: false, error: `not valid JSON: the file starts with ${JSON.stringify(lead)}` };
  }
  if (looksLikeCsvHeader(firstLine(text.slice(Math.max(0, start))), csvColumns)) {
    return { ok: true, format: 'csv', forEachRecord: csvRows(text, limits) };
  }
  return {
    ok: false,
    error: `unrecognised format: expected JSONL (one object per line), a JSON array, or CSV with a header row (${csvColumns.slice(0, 3).join(', ')}, …)`,
  };
}
