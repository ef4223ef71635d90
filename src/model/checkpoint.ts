/**
 * The app's checkpoint file: config, tokenizer and float32 weights (base64, GPT-2 names) in
 * one JSON document, so one fetch or one file pick loads a model.
 */
import * as tf from '@tensorflow/tfjs';
import type { TokenizerJSON } from '../tokenizer/bpe';
import { type GPTConfig, validateConfig } from './config';
import { GPT, parameterShapes } from './gpt';

export const CHECKPOINT_FORMAT = 'dpo-playground-checkpoint';

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

/** Validates and loads a checkpoint; throws an Error that says what is wrong. */
export function loadCheckpoint(
  json: unknown,
  trainable = true,
): { model: GPT; checkpoint: CheckpointJSON } {
  const c = json as Partial<CheckpointJSON> | null;
  if (!c || typeof c !== 'object' || c.format !== CHECKPOINT_FORMAT) {
    throw new Error('not a DPO Playground checkpoint');
  }
  if (c.version !== 1) throw new Error(`unsupported checkpoint version ${String(c.version)}`);
  if (!c.config || !c.params || !c.tokenizer)
    throw new Error('checkpoint lacks config, params or tokenizer');
  validateConfig(c.config);
  if (c.tokenizer.vocabSize !== c.config.vocabSize) {
    throw new Error(`tokenizer has ${c.tokenizer.vocabSize} ids, the model ${c.config.vocabSize}`);
  }
  const tensors = new Map<string, tf.Tensor>();
  try {
    for (const [name, shape] of parameterShapes(c.config)) {
      const p = c.params[name];
      if (!p) throw new Error(`checkpoint has no parameter ${name}`);
      const bytes = base64ToBytes(p.data);
      const size = shape.reduce((a, b) => a * b, 1);
      if (bytes.length !== size * 4) throw new Error(`parameter ${name} has the wrong size`);
      tensors.set(name, tf.tensor(new Float32Array(bytes.buffer, bytes.byteOffset, size), shape));
    }
    return {
      model: GPT.fromTensors(c.config, tensors, trainable),
      checkpoint: c as CheckpointJSON,
    };
  } finally {
    tf.dispose([...tensors.values()]);
  }
}
