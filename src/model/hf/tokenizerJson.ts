/**
 * Hugging Face `tokenizer.json` (the fast-tokenizer file; transformers 5's save_pretrained
 * writes it instead of vocab.json + merges.txt) → the vocab + merges our importer reads.
 *
 * Accepted: a byte-level BPE exactly like GPT-2's — model.type "BPE" with no subword prefix or
 * suffix, no dropout, no unk/byte fallback; no normalizer; a ByteLevel pre-tokeniser using
 * GPT-2's regex without an added prefix space (alone or as the only step of a Sequence);
 * added tokens limited to the end-of-text. Anything else is refused by name, since it would
 * split or number text differently from transformers.
 */
import { previewValue } from '../../util/preview';
import { type ImportedTokenizer, MERGES_HEADER, tokenizerFromHf } from './tokenizerFiles';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const blank = (v: unknown) => v === undefined || v === null || v === '' || v === false;

/** The ByteLevel step of the pre-tokeniser, checked. */
function checkPreTokenizer(pre: unknown): void {
  let step = pre;
  if (isObject(pre) && pre.type === 'Sequence') {
    const steps = pre.pretokenizers;
    if (!Array.isArray(steps) || steps.length !== 1) {
      throw new Error('tokenizer.json pre_tokenizer: only a single ByteLevel step is supported');
    }
    step = steps[0];
  }
  if (!isObject(step) || step.type !== 'ByteLevel') {
    const type = isObject(step) ? step.type : step;
    throw new Error(
      `tokenizer.json pre_tokenizer is ${previewValue(type)}, not GPT-2's ByteLevel (byte-level BPE only)`,
    );
  }
  if (step.add_prefix_space === true) {
    throw new Error('tokenizer.json ByteLevel add_prefix_space: true is not supported');
  }
  if (step.use_regex === false) {
    throw new Error('tokenizer.json ByteLevel use_regex: false is not supported');
  }
}

/** Merges as merges.txt text; tokenizers writes them as "a b" strings or [a, b] pairs. */
function mergesText(merges: unknown): string {
  if (!Array.isArray(merges)) throw new Error('tokenizer.json model.merges must be an array');
  const lines = [MERGES_HEADER];
  merges.forEach((m, i) => {
    if (typeof m === 'string') lines.push(m);
    else if (Array.isArray(m) && m.length === 2 && m.every((s) => typeof s === 'string')) {
      lines.push(`${m[0]} ${m[1]}`);
    } else {
      throw new Error(`tokenizer.json model.merges[${i}] is not "a b" nor a pair of strings`);
    }
  });
  return `${lines.join('\n')}\n`;
}

/**
 * Reads tokenizer.json as GPT-2's byte-level BPE; `eotText` is the end-of-text token's text.
 * Throws an Error naming the setting that differs from GPT-2's.
 */
export function tokenizerFromTokenizerJson(json: unknown, eotText: string): ImportedTokenizer {
  if (!isObject(json)) throw new Error('tokenizer.json must be a JSON object');
  const model = json.model;
  if (!isObject(model)) throw new Error('tokenizer.json has no model object');
  if (model.type !== undefined && model.type !== 'BPE') {
    throw new Error(`tokenizer.json model.type is ${previewValue(model.type)}, not "BPE"`);
  }
  for (const key of ['continuing_subword_prefix', 'end_of_word_suffix', 'dropout', 'unk_token']) {
    if (!blank(model[key])) {
      throw new Error(`tokenizer.json model.${key} ${previewValue(model[key])} is not supported`);
    }
  }
  if (model.byte_fallback === true) {
    throw new Error('tokenizer.json model.byte_fallback is not supported (byte-level BPE only)');
  }
  if (!blank(json.normalizer)) {
    const n = json.normalizer;
    throw new Error(
      `tokenizer.json normalizer ${previewValue(isObject(n) ? n.type : n)} is not supported`,
    );
  }
  checkPreTokenizer(json.pre_tokenizer);
  const added = json.added_tokens ?? [];
  if (!Array.isArray(added)) throw new Error('tokenizer.json added_tokens must be an array');
  const vocab: Record<string, unknown> = isObject(model.vocab) ? { ...model.vocab } : {};
  if (!isObject(model.vocab)) throw new Error('tokenizer.json model.vocab must be an object');
  for (const t of added) {
    const content = isObject(t) ? t.content : undefined;
    const id = isObject(t) ? t.id : undefined;
    if (content !== eotText) {
      throw new Error(
        `tokenizer.json added token ${previewValue(content)} is not supported (only ${eotText})`,
      );
    }
    if (content in vocab && vocab[content] !== id) {
      throw new Error(`tokenizer.json gives ${eotText} two ids, ${vocab[content]} and ${id}`);
    }
    vocab[content] = id;
  }
  return tokenizerFromHf(vocab, mergesText(model.merges), eotText);
}
