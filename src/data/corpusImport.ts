/**
 * SFT text corpora: plain text split into documents on blank lines, or JSONL / JSON arrays /
 * CSV whose rows carry a `text` field (a JSON array of plain strings works too). Never throws.
 */
import { type ContainerFormat, openContainer, type RawRecord } from './containers';
import { extensionOf, formatCount } from './decode';
import { describeValue, isPlainObject } from './layouts';
import {
  type ImportLimits,
  MAX_JSON_DEPTH,
  RowTally,
  type SkippedRow,
  textImporter,
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

function readTextCorpus(name: string, text: string, limits: Required<ImportLimits>): CorpusImport {
  const ext = extensionOf(name);
  const lead = text.trimStart().charAt(0);
  const structured =
    ext === 'csv' ||
    ext === 'tsv' ||
    (!TEXT_EXTENSIONS.includes(ext) && (lead === '{' || lead === '['));
  if (!structured) {
    let documents = splitDocuments(text);
    const warnings: string[] = [];
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
  const tally = new RowTally<string>('documents', limits.maxRows);
  if (container.note !== undefined) tally.warnings.push(container.note);
  container.forEachRecord((r) => {
    if (!tally.hasRoom(r.where)) return false;
    const doc = recordDocument(r);
    if ('text' in doc) tally.rows.push(doc.text);
    else tally.skips.add(r.where, doc.reason);
    return true;
  });
  const failed = tally.failure('no documents found in the file');
  if (failed) return failed;
  return { ok: true, format: container.format, documents: tally.rows, ...tally.report() };
}

/** Parses an SFT corpus; limits as for preference files (maxRows counts documents). */
export const parseTextCorpus: (
  name: string,
  bytes: Uint8Array,
  opts?: ImportLimits,
) => CorpusImport = textImporter(readTextCorpus);
