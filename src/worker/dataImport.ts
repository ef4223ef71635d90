/**
 * The worker's side of bringing your own data: a preference file becomes token pairs that fit
 * the model's context (with a report of what was skipped or cut), a text corpus becomes SFT
 * documents, and model files become the SFT model. Parsing runs here, off the UI thread.
 */
import { parseTextCorpus } from '../data/corpus';
import { describeSkipped, parsePreferenceFile } from '../data/preferences';
import { fitPairsToBlock, type TruncationReport } from '../data/truncation';
import { loadCheckpoint } from '../model/checkpoint';
import type { GPT } from '../model/gpt';
import { importHfGpt2 } from '../model/hf/gpt2';
import type { PreferenceData } from '../pipeline/dpoRun';
import { BpeTokenizer } from '../tokenizer/bpe';
import type { DatasetSummary } from './protocol';

const PREVIEW_PAIRS = 200;
const LISTED_SKIPS = 50;

/** Share of the imported pairs' prompts held out to evaluate KL on (at least one, at most 64). */
const EVAL_SHARE = 0.1;

export interface ImportedPreferences {
  summary: DatasetSummary;
  data: PreferenceData;
  /** Held-out prompt texts for evaluation (their pairs are not trained on). */
  evalPrompts: string[];
}

/**
 * Parses, validates and tokenises a preference file for a model with `blockSize` positions.
 * Prompts start with end-of-text, as the built-in task's do. Throws with a clear message when
 * nothing usable is left.
 */
export function importPreferences(
  name: string,
  bytes: Uint8Array,
  tokenizer: BpeTokenizer,
  blockSize: number,
): ImportedPreferences {
  const parsed = parsePreferenceFile(name, bytes);
  if (!parsed.ok) throw new Error(`${name}: ${parsed.error}`);
  const encode = (s: string) => tokenizer.encode(s);
  const report: TruncationReport = {
    total: 0,
    fit: 0,
    promptTruncated: 0,
    completionTruncated: 0,
    dropped: 0,
  };
  const nEval = Math.min(64, Math.max(1, Math.round(parsed.pairs.length * EVAL_SHARE)));
  const evalPrompts: string[] = [];
  const data: PreferenceData = { pairs: [], texts: [], preview: [] };
  parsed.pairs.forEach((pair, i) => {
    // One slot of the block goes to the leading end-of-text.
    const fit = fitPairsToBlock([pair], encode, blockSize - 1);
    for (const k of Object.keys(report) as (keyof TruncationReport)[]) report[k] += fit.report[k];
    const t = fit.pairs[0];
    if (!t) return;
    if (parsed.pairs.length > 1 && i >= parsed.pairs.length - nEval) {
      evalPrompts.push(tokenizer.decode(t.prompt));
      return;
    }
    data.pairs.push({
      prompt: [tokenizer.eot, ...t.prompt],
      chosen: t.chosen,
      rejected: t.rejected,
    });
    data.texts.push(pair);
    if (data.preview.length < PREVIEW_PAIRS) {
      data.preview.push({
        prompt: tokenizer.decode(t.prompt),
        chosen: tokenizer.decode(t.chosen),
        rejected: tokenizer.decode(t.rejected),
        chosenReward: Number.NaN,
        rejectedReward: Number.NaN,
      });
    }
  });
  if (data.pairs.length === 0) throw new Error(`${name}: no pair fits the model's context`);
  return {
    data,
    evalPrompts,
    summary: {
      name,
      format: parsed.format,
      layout: parsed.layout,
      pairs: data.pairs.length,
      heldOut: evalPrompts.length,
      skippedCount: parsed.skippedCount,
      skipped: parsed.skipped.slice(0, LISTED_SKIPS).map(describeSkipped),
      warnings: parsed.warnings,
      truncation: report,
      blockSize,
    },
  };
}

/** Documents of an SFT corpus file (.txt, .jsonl / .json with a `text` field). */
export function importCorpus(
  name: string,
  bytes: Uint8Array,
): { documents: string[]; note: string } {
  const parsed = parseTextCorpus(name, bytes);
  if (!parsed.ok) throw new Error(`${name}: ${parsed.error}`);
  if (parsed.documents.length < 2) throw new Error(`${name}: need at least two documents`);
  const skipped = parsed.skippedCount ? `, ${parsed.skippedCount} rows skipped` : '';
  return { documents: parsed.documents, note: `${parsed.documents.length} documents${skipped}` };
}

/** A model file set: this app's checkpoint JSON, or a Hugging Face GPT-2 folder's files. */
export function importModel(files: { name: string; bytes: Uint8Array }[]): {
  model: GPT;
  tokenizer: BpeTokenizer;
  origin: string;
  meta: Record<string, string | number>;
  warnings: string[];
} {
  const json = files.length === 1 && files[0]?.name.endsWith('.json') ? files[0] : undefined;
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(json.bytes));
    } catch {
      throw new Error(`${json.name} is not JSON; pick a checkpoint file or a GPT-2 folder's files`);
    }
    const { model, checkpoint } = loadCheckpoint(parsed, false);
    let tokenizer: BpeTokenizer;
    try {
      tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
    } catch (e) {
      model.dispose(); // a broken tokenizer must not leave π's tensors behind
      throw e;
    }
    return { model, tokenizer, origin: json.name, meta: checkpoint.meta, warnings: [] };
  }
  const byName: Record<string, Uint8Array> = {};
  for (const f of files) byName[f.name] = f.bytes;
  const r = importHfGpt2(byName, { trainable: false });
  return {
    model: r.model,
    tokenizer: r.tokenizer,
    origin: 'Hugging Face GPT-2 files',
    meta: { trainedBy: 'imported (Hugging Face GPT-2)' },
    warnings: r.warnings,
  };
}
