/**
 * SFT text corpora: plain text split into documents on blank lines, or JSONL / JSON arrays /
 * CSV whose rows carry a `text` field (a JSON array of plain strings works too). Never throws.
 */
import { type ContainerFormat, openContainer, type RawRecord } from './containers';
import { decodeTextFile, extensionOf, formatCount, neverThrowing } from './decode';
import { describeValue, isPlainObject } from './layouts';
import {
  DEFAULT_IMPORT_LIMITS,
  type ImportLimits,
  MAX_JSON_DEPTH,
  SkipLog,
  type SkippedRow,
} from './limits';

type CorpusFormat = 'text' | ContainerFormat;

export type CorpusImport =
  | {
      ok: true;
      format: CorpusFormat;
      documents: string[];
      skipped: SkippedRow[];
      skippedCount: number;
      warnings: string[];
    }
  | { ok: false; error: string };

const TEXT_EXTENSIONS = ['txt', 'text', 'md'];

/** Documents of a plain-text file: paragraphs separated by blank lines, trimmed. */
export function splitDocuments(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((d) => d.trim())
    .filter((d) => d !== '');
}

function recordDocument(r: RawRecord): { text: string } | { reason: string } {
  if (!('value' in r)) return { reason: r.error };
  const v = r.value;
  if (typeof v === 'string') return v.trim() === '' ? { reason: 'empty text' } : { text: v };
  if (!isPlainObject(v)) {
    return { reason: `row is ${describeValue(v)}, expected an object with \`text\`` };
  }
  const text = v.text;
  if (text === undefined) return { reason: 'missing `text`' };
  if (typeof text !== 'string')
    return { reason: `\`text\` is ${describeValue(text)}, expected text` };
  if (text.trim() === '') return { reason: 'empty `text`' };
  return { text };
}

/** Parses an SFT corpus; limits as for preference files (maxRows counts documents). */
export function parseTextCorpus(
  name: string,
  bytes: Uint8Array,
  opts: ImportLimits = {},
): CorpusImport {
  return neverThrowing(name, () => readTextCorpus(name, bytes, opts));
}

function readTextCorpus(name: string, bytes: Uint8Array, opts: ImportLimits): CorpusImport {
  const limits = { ...DEFAULT_IMPORT_LIMITS, ...opts };
  const decoded = decodeTextFile(bytes, limits.maxBytes);
  if (!decoded.ok) return decoded;
  const text = decoded.text;
  const warnings: string[] = [];
  const ext = extensionOf(name);
  const lead = text.trimStart().charAt(0);
  const structured =
    ext === 'csv' ||
    ext === 'tsv' ||
    (!TEXT_EXTENSIONS.includes(ext) && (lead === '{' || lead === '['));
  if (!structured) {
    let documents = splitDocuments(text);
    if (documents.length > limits.maxRows) {
      warnings.push(
        `stopped at ${formatCount(limits.maxRows)} documents (maxRows) of ${formatCount(documents.length)}`,
      );
      documents = documents.slice(0, limits.maxRows);
    }
    return { ok: true, format: 'text', documents, skipped: [], skippedCount: 0, warnings };
  }

  const container = openContainer(
    name,
    text,
    { maxRowChars: limits.maxRowChars, maxDepth: MAX_JSON_DEPTH },
    ['text'],
  );
  if (!container.ok) return container;
  if (container.note !== undefined) warnings.push(container.note);
  const documents: string[] = [];
  const skips = new SkipLog();
  container.forEachRecord((r) => {
    if (documents.length >= limits.maxRows) {
      warnings.push(
        `stopped at ${formatCount(limits.maxRows)} documents (maxRows); ${r.where} and later rows were not read`,
      );
      return false;
    }
    const doc = recordDocument(r);
    if ('text' in doc) documents.push(doc.text);
    else skips.add(r.where, doc.reason);
    return true;
  });
  if (documents.length === 0) {
    if (skips.count === 0) return { ok: false, error: 'no documents found in the file' };
    return { ok: false, error: `no usable documents: ${skips.summary()}` };
  }
  const overflow = skips.overflowWarning();
  if (overflow !== undefined) warnings.push(overflow);
  return {
    ok: true,
    format: container.format,
    documents,
    skipped: skips.listed,
    skippedCount: skips.count,
    warnings,
  };
}
