/**
 * Preference dataset import: file bytes → validated text pairs, with the rows skipped and why.
 * Pure (no UI, no worker); never throws on bad content.
 */
import { type ContainerFormat, openContainer, type RawRecord } from './containers';
import { formatCount } from './decode';
import {
  type DetectedLayout,
  describeValue,
  detectRowLayout,
  isPlainObject,
  LAYOUT_FIELDS,
  normaliseRow,
  type PreferenceLayout,
  type PreferencePair,
} from './layouts';
import {
  type ImportLimits,
  MAX_JSON_DEPTH,
  RowTally,
  type SkippedRow,
  textImporter,
} from './limits';

export type { ImportLimits } from './limits';
export { describeSkipped } from './limits';

/** Rows looked at to decide the file's layout (the most common one wins). */
const LAYOUT_SAMPLE = 32;

export type PreferenceImport =
  | {
      ok: true;
      format: ContainerFormat;
      layout: PreferenceLayout;
      pairs: PreferencePair[];
      /** The first MAX_LISTED_SKIPS skipped rows, in file order. */
      skipped: SkippedRow[];
      skippedCount: number;
      warnings: string[];
    }
  | { ok: false; error: string };

const PREFERENCE_COLUMNS = ['prompt', 'chosen', 'rejected', 'completion', 'label'] as const;

const KTO_ERROR =
  'unpaired (KTO) data: rows have `prompt`, `completion` and `label` (one completion marked good ' +
  'or bad); DPO needs pairs, a chosen and a rejected completion for the same prompt';

function chooseLayout(records: RawRecord[]): { layout: DetectedLayout } | { error: string } {
  const votes = new Map<DetectedLayout, number>();
  let firstValue: unknown;
  let sawValue = false;
  for (const r of records) {
    if (!('value' in r)) continue;
    if (!sawValue) {
      sawValue = true;
      firstValue = r.value;
    }
    const layout = detectRowLayout(r.value);
    if (layout !== undefined) votes.set(layout, (votes.get(layout) ?? 0) + 1);
  }
  let best: DetectedLayout | undefined;
  for (const [layout, n] of votes)
    if (best === undefined || n > (votes.get(best) ?? 0)) best = layout;
  if (best !== undefined) return { layout: best };
  const found = isPlainObject(firstValue)
    ? `rows have fields ${Object.keys(firstValue).slice(0, 8).join(', ') || '(none)'}`
    : `rows are ${describeValue(firstValue)}, not objects`;
  return {
    error:
      `no preference layout recognised: ${found}; expected {prompt, chosen, rejected}, ` +
      '{chosen, rejected}, or ShareGPT {conversations, chosen, rejected}',
  };
}

function ignoredFields(records: RawRecord[], layout: DetectedLayout): string[] {
  const first = records.find((r) => 'value' in r && isPlainObject(r.value));
  if (first === undefined || !('value' in first) || !isPlainObject(first.value)) return [];
  return Object.keys(first.value).filter((k) => !LAYOUT_FIELDS[layout].includes(k));
}

function readPreferenceFile(
  name: string,
  text: string,
  limits: Required<ImportLimits>,
): PreferenceImport {
  const container = openContainer(
    name,
    text,
    { maxRowChars: limits.maxRowChars, maxDepth: MAX_JSON_DEPTH },
    PREFERENCE_COLUMNS,
  );
  if (!container.ok) return container;

  const tally = new RowTally<PreferencePair>('pairs', limits.maxRows);
  const { warnings, skips } = tally;
  if (container.note !== undefined) warnings.push(container.note);
  let emptyPrompts = 0;
  let layout: PreferenceLayout | undefined;
  let error: string | undefined;
  const sample: RawRecord[] = [];
  let sampledValues = 0;

  /** Returns false to stop reading. */
  const take = (r: RawRecord, as: PreferenceLayout): boolean => {
    if (!tally.hasRoom(r.where)) return false;
    const row = 'value' in r ? normaliseRow(as, r.value) : { ok: false as const, reason: r.error };
    if (!row.ok) {
      skips.add(r.where, row.reason);
      return true;
    }
    const { prompt, chosen, rejected } = row.pair;
    const chars = prompt.length + chosen.length + rejected.length;
    if (chars > limits.maxRowChars) {
      const max = formatCount(limits.maxRowChars);
      skips.add(
        r.where,
        `pair is ${formatCount(chars)} characters long, over the ${max}-character limit`,
      );
      return true;
    }
    if (prompt === '') emptyPrompts++;
    tally.rows.push(row.pair);
    return true;
  };
  const decide = (): boolean => {
    const chosen = chooseLayout(sample);
    if ('error' in chosen) error = chosen.error;
    else if (chosen.layout === 'kto') error = KTO_ERROR;
    else {
      layout = chosen.layout;
      const ignored = ignoredFields(sample, layout);
      if (ignored.length > 0) warnings.push(`fields ignored: ${ignored.join(', ')}`);
      for (const r of sample) if (!take(r, layout)) return false;
      return true;
    }
    return false;
  };

  container.forEachRecord((r) => {
    if (layout !== undefined) return take(r, layout);
    sample.push(r);
    if ('value' in r) sampledValues++;
    return sampledValues < LAYOUT_SAMPLE || decide();
  });
  if (layout === undefined && error === undefined) {
    if (sampledValues > 0) decide();
    else for (const r of sample) if ('error' in r) skips.add(r.where, r.error);
  }

  if (error !== undefined) return { ok: false, error };
  const noRows = 'no rows found in the file';
  const failed = tally.failure(noRows);
  // Pairs are kept only under a chosen layout, so without one `failed` is already set.
  if (failed !== undefined || layout === undefined) return failed ?? { ok: false, error: noRows };
  if (emptyPrompts > 0) {
    warnings.push(
      `${formatCount(emptyPrompts)} pairs have an empty prompt (nothing shared before the replies)`,
    );
  }
  return { ok: true, format: container.format, layout, pairs: tally.rows, ...tally.report() };
}

/**
 * Parses a preference file (JSONL, JSON array or CSV; see containers.ts) in any layout of
 * layouts.ts into text pairs. The file's layout is the most common among its first rows; every
 * row is then validated against it.
 */
export const parsePreferenceFile: (
  name: string,
  bytes: Uint8Array,
  opts?: ImportLimits,
) => PreferenceImport = textImporter(readPreferenceFile);
