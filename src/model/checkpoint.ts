/**
 * The app's checkpoint file: config, tokenizer and float32 weights (base64, GPT-2 names) in
 * one JSON document, so one fetch or one file pick loads a model.
 */
import * as tf from '@tensorflow/tfjs';
import type { TokenizerJSON } from '../tokenizer/bpe';
import { previewValue } from '../util/preview';
import { type GPTConfig, parameterCount, validateConfig } from './config';
import { GPT, parameterShapes } from './gpt';

const CHECKPOINT_FORMAT = 'dpo-playground-checkpoint';

export interface CheckpointJSON {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  config: GPTConfig;
  tokenizer: TokenizerJSON;
  /** GPT-2 name → row-major float32 data, base64. */
  params: Record<string, { shape: number[]; data: string }>;
  /** Free-form provenance: how it was trained, final loss, seed. */
  meta: Record<string, string | number>;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

export function base64ToBytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export async function saveCheckpoint(
  model: GPT,
  tokenizer: TokenizerJSON,
  meta: CheckpointJSON['meta'],
): Promise<CheckpointJSON> {
  const params: CheckpointJSON['params'] = {};
  for (const [name, v] of model.params) {
    const data = new Float32Array(await v.data());
    params[name] = { shape: v.shape.slice(), data: bytesToBase64(new Uint8Array(data.buffer)) };
  }
  return { format: CHECKPOINT_FORMAT, version: 1, config: model.config, tokenizer, params, meta };
}

/** Far past the shipped presets; GPT-2 small has 124M. Keeps a hostile config from allocating. */
const MAX_CHECKPOINT_PARAMETERS = 150_000_000;

/** Validates and loads a checkpoint; throws an Error that says what is wrong. */
export function loadCheckpoint(
  json: unknown,
  trainable = true,
): { model: GPT; checkpoint: CheckpointJSON } {
  const c = json as Partial<CheckpointJSON> | null;
  if (!c || typeof c !== 'object' || c.format !== CHECKPOINT_FORMAT) {
    throw new Error('not a DPO Playground checkpoint');
  }
  if (c.version !== 1) throw new Error(`unsupported checkpoint version ${previewValue(c.version)}`);
  if (!c.config || !c.params || !c.tokenizer)
    throw new Error('checkpoint lacks config, params or tokenizer');
  checkConfigTypes(c.config);
  validateConfig(c.config);
  const count = parameterCount(c.config);
  if (count > MAX_CHECKPOINT_PARAMETERS) {
    const { nLayer, nEmbd } = c.config;
    throw new Error(
      `checkpoint config has ${nLayer} layers of width ${nEmbd} (${count.toLocaleString('en-US')} parameters), over the ${MAX_CHECKPOINT_PARAMETERS.toLocaleString('en-US')}-parameter limit`,
    );
  }
  if (typeof c.tokenizer !== 'object') throw new Error('tokenizer JSON must be an object');
  if (c.tokenizer.vocabSize !== c.config.vocabSize) {
    throw new Error(
      `tokenizer has ${previewValue(c.tokenizer.vocabSize)} ids, the model ${c.config.vocabSize}`,
    );
  }
  const params = c.params as Record<string, unknown>;
  const tensors = new Map<string, tf.Tensor>();
  try {
    for (const [name, shape] of parameterShapes(c.config)) {
      const data = parameterData(name, Object.hasOwn(params, name) ? params[name] : undefined);
      const size = shape.reduce((a, b) => a * b, 1);
      if (data.length !== size) {
        throw new Error(
          `parameter ${name} has the wrong size: ${data.length} values for shape [${shape}]`,
        );
      }
      tensors.set(name, tf.tensor(data, shape));
    }
    return {
      model: GPT.fromTensors(c.config, tensors, trainable),
      checkpoint: c as CheckpointJSON,
    };
  } finally {
    tf.dispose([...tensors.values()]);
  }
}

/** validateConfig compares with `>`, which stringifies an array (and overflows on deep ones). */
function checkConfigTypes(config: unknown): void {
  if (typeof config !== 'object' || config === null) {
    throw new Error('checkpoint config must be an object');
  }
  for (const key of CONFIG_KEYS) {
    const v = (config as Record<string, unknown>)[key];
    if (typeof v !== 'number') {
      throw new Error(`checkpoint config.${key} must be a number, got ${previewValue(v)}`);
    }
  }
}

const CONFIG_KEYS: readonly (keyof GPTConfig)[] = [
  'nLayer',
  'nHead',
  'nEmbd',
  'blockSize',
  'vocabSize',
  'dropout',
  'layerNormEps',
];

/** One parameter's float32 values, checked: base64 of whole floats, all finite. */
function parameterData(name: string, p: unknown): Float32Array {
  if (p === undefined) throw new Error(`checkpoint has no parameter ${name}`);
  const b64 = (p as { data?: unknown } | null)?.data;
  if (typeof b64 !== 'string') {
    throw new Error(`checkpoint parameter ${name} must be an object with base64 data`);
  }
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(b64);
  } catch {
    throw new Error(`checkpoint parameter ${name} is not base64 float32 data`);
  }
  if (bytes.length % 4 !== 0) {
    throw new Error(
      `parameter ${name} has the wrong size: ${bytes.length} bytes, not whole floats`,
    );
  }
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const bad = data.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) {
    throw new Error(
      `checkpoint parameter ${name} holds ${data[bad]} at index ${bad}; the file is damaged or the model diverged`,
    );
  }
  return data;
}
