/**
 * The worker's side of bringing your own data: a preference file becomes token pairs that fit
 * the model's context (with a report of what was skipped or cut), a text corpus becomes SFT
 * documents, and model files become the SFT model. Parsing runs here, off the UI thread.
 */
import { parseTextCorpus } from '../data/corpusImport';
import { describeSkipped, parsePreferenceFile } from '../data/preferenceImport';
import { type PairConvention, tokenizePair } from '../data/trlTokenize';
import { fitTokenPairs, type TruncationReport } from '../data/truncation';
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
 * By default pairs are tokenised as TRL 1.13 does (trlTokenize.ts: no BOS, EOS after each
 * completion); 'eot-prompt' is the built-in task's convention (end-of-text before the
 * prompt, no EOS). Throws with a clear message when nothing usable is left.
 */
export function importPreferences(
  name: string,
  bytes: Uint8Array,
  tokenizer: BpeTokenizer,
  blockSize: number,
  convention: PairConvention = 'trl',
): ImportedPreferences {
  const parsed = parsePreferenceFile(name, bytes);
  if (!parsed.ok) throw new Error(`${name}: ${parsed.error}`);
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
  let emptyPrompts = 0;
  parsed.pairs.forEach((pair, i) => {
    const ids = tokenizePair(tokenizer, pair, convention);
    // The model scores a completion's first token given something: an empty prompt gets a
    // lone end-of-text (TRL, with nothing before it, scores the completion from its 2nd token).
    if (ids.prompt.length === 0) {
      ids.prompt = [tokenizer.eot];
      emptyPrompts++;
    }
    // The leading end-of-text of 'eot-prompt' is never cut: fit the rest into blockSize − 1.
    const lead = convention === 'eot-prompt' ? 1 : 0;
    const fit = fitTokenPairs([{ ...ids, prompt: ids.prompt.slice(lead) }], blockSize - lead);
    for (const k of Object.keys(report) as (keyof TruncationReport)[]) report[k] += fit.report[k];
    const t = fit.pairs[0];
    if (!t) return;
    if (parsed.pairs.length > 1 && i >= parsed.pairs.length - nEval) {
      evalPrompts.push(tokenizer.decode(t.prompt.filter((id) => id !== tokenizer.eot)));
      return;
    }
    data.pairs.push({
      prompt: [...ids.prompt.slice(0, lead), ...t.prompt],
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
  const warnings = [...parsed.warnings];
  if (convention === 'trl' && emptyPrompts > 0) {
    warnings.push(
      `${emptyPrompts} pairs with an empty prompt start with end-of-text here; TRL puts nothing there and skips their first completion token`,
    );
  }
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
      warnings,
      truncation: report,
      convention,
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
