/**
 * The SFT model that DPO runs start from (and clone π_ref from): where it came from, how to
 * get it back after a reload, and the corpus the next in-browser SFT trains on.
 */
import { loadCheckpoint } from '../model/checkpoint';
import { parameterCount } from '../model/config';
import type { GPT } from '../model/gpt';
import { gptFromParams, readParams } from '../model/weights';
import { BpeTokenizer } from '../tokenizer/bpe';
import type { ReferenceSource, RunRecorder, StoredModel } from './persistence';
import type { CheckpointSummary } from './protocol';

export interface SftModel {
  model: GPT;
  tokenizer: BpeTokenizer;
  /** Null when it cannot be found again after a reload (storage unavailable or full). */
  source: ReferenceSource | null;
  /** What the UI shows: a URL, 'browser-sft' or the imported file's name. */
  label: string;
  meta: Record<string, string | number>;
}

export async function fetchCheckpoint(url: string): Promise<SftModel> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load the checkpoint ${url}: HTTP ${res.status}`);
  const { model, checkpoint } = loadCheckpoint(await res.json(), false);
  return {
    model,
    tokenizer: BpeTokenizer.fromJSON(checkpoint.tokenizer),
    source: { kind: 'url', url },
    label: url,
    meta: checkpoint.meta,
  };
}

/** Reads a model's weights for storage (a GPU read). */
export async function storedModel(m: SftModel): Promise<StoredModel> {
  const params = await readParams(m.model.params);
  return { config: m.model.config, tokenizer: m.tokenizer.toJSON(), params, meta: m.meta };
}

/** The π_ref a saved run names: fetched again, or read back from storage. */
export async function loadReference(
  source: ReferenceSource,
  recorder: RunRecorder | null,
): Promise<SftModel> {
  if (source.kind === 'url') return fetchCheckpoint(source.url);
  if (!recorder) throw new Error('storage is unavailable, so the run’s π_ref cannot be loaded');
  const s = await recorder.loadModel(source.runId);
  const model = gptFromParams(s.config, s.params, false);
  return {
    model,
    tokenizer: BpeTokenizer.fromJSON(s.tokenizer),
    source,
    label: String(s.meta.label ?? 'a saved model'),
    meta: s.meta,
  };
}

export function summarize(m: SftModel): CheckpointSummary {
  const c = m.model.config;
  return {
    url: m.label,
    preset: String(m.meta.preset ?? ''),
    parameters: parameterCount(c),
    vocabSize: c.vocabSize,
    blockSize: c.blockSize,
    meta: m.meta,
  };
}
