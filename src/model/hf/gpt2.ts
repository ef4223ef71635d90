/**
 * Hugging Face GPT-2 checkpoints, both ways: model.safetensors (`transformer.`-prefixed GPT-2
 * names, Conv1D weights [in, out], tied lm_head left out), config.json, generation_config.json,
 * and the slow-tokenizer files vocab.json + merges.txt + tokenizer_config.json +
 * special_tokens_map.json; import also reads tokenizer.json (what transformers 5 writes).
 *
 * Import also takes checkpoints saved by transformers itself: names with or without the
 * `transformer.` prefix, an explicit lm_head.weight equal to wte, the attn.bias / masked_bias
 * buffers of old files (ignored), F16/BF16 weights, and GPT-2's own vocab order (ids are
 * renumbered to ours and the wte rows permuted to match).
 */
import * as tf from '@tensorflow/tfjs';
import { type BpeTokenizer, EOT_TEXT } from '../../tokenizer/bpe';
import { type GPTConfig, parameterCount } from '../config';
import { GPT, parameterShapes } from '../gpt';
import { fromHfConfig, toHfConfig } from './hfConfig';
import {
  decodeTensor,
  nameText,
  readSafetensorsHeader,
  type SafetensorsEntry,
  shapeText,
  type TensorToWrite,
  writeSafetensors,
} from './safetensors';
import { tokenizerFromHf, tokenizerToHf } from './tokenizerFiles';
import { tokenizerFromTokenizerJson } from './tokenizerJson';

/** Default cap on the float32 weights an import may allocate (GPT-2 small is ~500 MB). */
const DEFAULT_MAX_IMPORT_BYTES = 600_000_000;

export type HfFiles = Record<string, Uint8Array | string>;

export interface ImportHfOptions {
  /** Refuse models whose float32 weights exceed this many bytes. */
  maxBytes?: number;
  /** Used when vocab.json / merges.txt are absent; its ids are taken as the model's. */
  tokenizer?: BpeTokenizer;
  trainable?: boolean;
}

export interface ImportedHfModel {
  model: GPT;
  tokenizer: BpeTokenizer;
  /** What was dropped or approximated on the way in. */
  warnings: string[];
}

const PREFIX = 'transformer.';
/** Causal-mask buffers that old transformers versions saved with the weights. */
const MASK_BUFFER = /^h\.\d+\.attn\.(bias|masked_bias)$/;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The files `save_pretrained` writes for a GPT2LMHeadModel and its GPT2Tokenizer. */
export async function exportHfGpt2(
  model: GPT,
  tokenizer: BpeTokenizer,
): Promise<{ files: HfFiles }> {
  const cfg = model.config;
  if (tokenizer.vocabSize !== cfg.vocabSize) {
    throw new Error(`tokenizer has ${tokenizer.vocabSize} ids, the model ${cfg.vocabSize}`);
  }
  const { vocab, merges } = tokenizerToHf(tokenizer);
  const tensors: TensorToWrite[] = [];
  for (const [name, shape] of parameterShapes(cfg)) {
    const v = model.params.get(name);
    if (!v) throw new Error(`model has no parameter ${name}`);
    const data = (await v.data()) as Float32Array;
    tensors.push({ name: PREFIX + name, dtype: 'F32', shape, data });
  }
  const eot = tokenizer.eot;
  const special = { bos_token: EOT_TEXT, eos_token: EOT_TEXT, unk_token: EOT_TEXT };
  return {
    files: {
      'model.safetensors': writeSafetensors(tensors, { format: 'pt' }),
      'config.json': json(toHfConfig(cfg, eot)),
      'generation_config.json': json({ bos_token_id: eot, eos_token_id: eot }),
      'vocab.json': JSON.stringify(vocab),
      'merges.txt': merges,
      'tokenizer_config.json': json({
        add_bos_token: false,
        add_prefix_space: false,
        added_tokens_decoder: {
          [eot]: {
            content: EOT_TEXT,
            lstrip: false,
            normalized: true,
            rstrip: false,
            single_word: false,
            special: true,
          },
        },
        ...special,
        clean_up_tokenization_spaces: false,
        model_max_length: cfg.blockSize,
        tokenizer_class: 'GPT2Tokenizer',
      }),
      'special_tokens_map.json': json(special),
    },
  };
}

/**
 * Loads a GPT-2 checkpoint folder (file name → contents; folders in the names are ignored).
 * Throws an Error that says what is missing or unsupported; allocates nothing on failure.
 */
export function importHfGpt2(files: HfFiles, opts: ImportHfOptions = {}): ImportedHfModel {
  const { maxBytes = DEFAULT_MAX_IMPORT_BYTES, trainable = true } = opts;
  const get = fileLookup(files);
  const weights = get('model.safetensors');
  if (weights === undefined) {
    if (get('model.safetensors.index.json') !== undefined) {
      throw new Error('sharded checkpoints (model.safetensors.index.json) are not supported');
    }
    if (get('pytorch_model.bin') !== undefined) {
      throw new Error('only model.safetensors is read; pytorch_model.bin (pickle) is not');
    }
    throw new Error('no model.safetensors among the files');
  }
  if (typeof weights === 'string') throw new Error('model.safetensors must be given as bytes');
  const { config: hfConfig, eosTokenId, warnings } = fromHfConfig(readJson(get, 'config.json'));

  const bytes = parameterCount(hfConfig) * 4;
  if (bytes > maxBytes) {
    throw new Error(
      `model has ${parameterCount(hfConfig)} parameters (${formatBytes(bytes)} as float32), over the ${formatBytes(maxBytes)} limit`,
    );
  }

  const { tokenizer, hfIds } = readTokenizer(get, opts.tokenizer);
  const V = tokenizer.vocabSize;
  const hfEot = hfIds[tokenizer.eot];
  if (eosTokenId !== undefined && eosTokenId !== hfEot) {
    warnings.push(`config.json eos_token_id ${eosTokenId} is not ${EOT_TEXT} (id ${hfEot})`);
  }
  const maxId = hfIds.reduce((a, b) => Math.max(a, b), 0);
  if (maxId >= hfConfig.vocabSize) {
    throw new Error(`tokenizer id ${maxId} is beyond config.json vocab_size ${hfConfig.vocabSize}`);
  }
  if (V < hfConfig.vocabSize) {
    // Dropping the rows would shrink the softmax (log-probs off by log of the mass they hold).
    throw new Error(
      `config.json vocab_size ${hfConfig.vocabSize} is larger than the tokenizer's ${V} ids (a padded vocabulary): its ${hfConfig.vocabSize - V} extra wte rows take probability mass that this app cannot represent; resize the embeddings to ${V} rows (model.resize_token_embeddings(${V})) and export again`,
    );
  }
  const config: GPTConfig = { ...hfConfig, vocabSize: V };

  const entries = checkpointEntries(weights, warnings);
  const data = new Map<string, Float32Array>();
  const widened = new Set<string>();
  for (const [name, shape] of parameterShapes(hfConfig)) {
    const entry = entries.get(name);
    if (!entry) throw new Error(`model.safetensors has no ${PREFIX}${name}`);
    if (!tf.util.arraysEqual(entry.shape, shape)) {
      throw new Error(`${entry.name} has shape ${shapeText(entry.shape)}, expected [${shape}]`);
    }
    const decoded = decodeTensor(weights, entry);
    const bad = decoded.data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      throw new Error(
        `model.safetensors: ${entry.name} holds ${decoded.data[bad]} at index ${bad}; the file is damaged or the model diverged`,
      );
    }
    if (decoded.dtype !== 'F32') widened.add(decoded.dtype);
    data.set(name, decoded.data);
  }
  const hfWte = data.get('wte.weight') as Float32Array;
  const head = entries.get('lm_head.weight');
  if (head && !sameValues(decodeTensor(weights, head).data, hfWte)) {
    throw new Error('lm_head.weight differs from wte.weight: an untied LM head is not supported');
  }
  if (widened.size > 0) warnings.push(`weights stored as ${[...widened]} widened to float32`);
  data.set('wte.weight', permuteRows(hfWte, hfIds, config.nEmbd));

  const tensors = new Map<string, tf.Tensor>();
  try {
    for (const [name, shape] of parameterShapes(config)) {
      tensors.set(name, tf.tensor(data.get(name) as Float32Array, shape, 'float32'));
    }
    return { model: GPT.fromTensors(config, tensors, trainable), tokenizer, warnings };
  } finally {
    tf.dispose([...tensors.values()]);
  }
}

type FileGetter = (name: string) => Uint8Array | string | undefined;

/** Looks files up by base name, so "gpt2/config.json" answers for "config.json". */
function fileLookup(files: HfFiles): FileGetter {
  const byBase = new Map<string, Uint8Array | string>();
  for (const [path, contents] of Object.entries(files)) {
    const base = path.split(/[\\/]/).pop() ?? path;
    if (byBase.has(base)) throw new Error(`two files are named ${base}`);
    byBase.set(base, contents);
  }
  return (name) => byBase.get(name);
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

function readText(get: FileGetter, name: string): string | undefined {
  const f = get(name);
  if (f === undefined || typeof f === 'string') return f;
  try {
    return textDecoder.decode(f);
  } catch {
    throw new Error(`${name} is not valid UTF-8 text`);
  }
}

function readJson(get: FileGetter, name: string): unknown {
  const text = readText(get, name);
  if (text === undefined) throw new Error(`no ${name} among the files`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${name} is not valid JSON`);
  }
}

/** The tokenizer files if present, else the tokenizer passed in (its ids taken as-is). */
function readTokenizer(
  get: FileGetter,
  fallback: BpeTokenizer | undefined,
): { tokenizer: BpeTokenizer; hfIds: Int32Array } {
  const merges = readText(get, 'merges.txt');
  const hasVocab = get('vocab.json') !== undefined;
  if (merges !== undefined && hasVocab) {
    return tokenizerFromHf(readJson(get, 'vocab.json'), merges, eosText(get));
  }
  // transformers 5 writes tokenizer.json alone; it is what its fast tokenizer reads.
  if (get('tokenizer.json') !== undefined) {
    return tokenizerFromTokenizerJson(readJson(get, 'tokenizer.json'), eosText(get));
  }
  if (merges !== undefined || hasVocab) {
    throw new Error(
      `${hasVocab ? 'merges.txt' : 'vocab.json'} is missing (the tokenizer needs both, or tokenizer.json)`,
    );
  }
  if (!fallback) {
    throw new Error(
      'no tokenizer: tokenizer.json, vocab.json and merges.txt are missing and none was passed',
    );
  }
  return {
    tokenizer: fallback,
    hfIds: Int32Array.from({ length: fallback.vocabSize }, (_, i) => i),
  };
}

/** eos_token from special_tokens_map.json or tokenizer_config.json; GPT-2's by default. */
function eosText(get: FileGetter): string {
  for (const name of ['special_tokens_map.json', 'tokenizer_config.json']) {
    if (get(name) === undefined) continue;
    const eos = (readJson(get, name) as { eos_token?: unknown } | null)?.eos_token;
    if (typeof eos === 'string') return eos;
    const content = (eos as { content?: unknown } | null | undefined)?.content;
    if (typeof content === 'string') return content;
  }
  return EOT_TEXT;
}

/** Header entries by our parameter name (prefix stripped); mask buffers and extras noted. */
function checkpointEntries(weights: Uint8Array, warnings: string[]): Map<string, SafetensorsEntry> {
  const entries = new Map<string, SafetensorsEntry>();
  let buffers = 0;
  const unknown: string[] = [];
  const known = new Set(['lm_head.weight', ...parameterShapes(oneLayer).map(([n]) => n)]);
  for (const entry of readSafetensorsHeader(weights).entries) {
    const name = entry.name.startsWith(PREFIX) ? entry.name.slice(PREFIX.length) : entry.name;
    if (MASK_BUFFER.test(name)) {
      buffers++;
      continue;
    }
    if (entries.has(name)) throw new Error(`model.safetensors holds ${nameText(name)} twice`);
    entries.set(name, entry);
    if (!known.has(name.replace(/^h\.\d+\./, 'h.0.'))) unknown.push(nameText(entry.name));
  }
  if (buffers > 0)
    warnings.push(`ignored ${buffers} attention-mask buffers (attn.bias, masked_bias)`);
  if (unknown.length > 0) {
    const more = unknown.length > 5 ? ` and ${unknown.length - 5} more` : '';
    warnings.push(`ignored unknown tensors: ${unknown.slice(0, 5).join(', ')}${more}`);
  }
  return entries;
}

/** Any config with one layer, for the set of per-layer names. */
const oneLayer: GPTConfig = {
  nLayer: 1,
  nHead: 1,
  nEmbd: 1,
  blockSize: 1,
  vocabSize: 1,
  dropout: 0,
  layerNormEps: 1e-5,
};

/** out[j] = rows[from[j]] for rows of width C. */
function permuteRows(rows: Float32Array, from: Int32Array, C: number): Float32Array {
  const out = new Float32Array(from.length * C);
  from.forEach((src, j) => {
    out.set(rows.subarray(src * C, (src + 1) * C), j * C);
  });
  return out;
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

const formatBytes = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${n} bytes`);
