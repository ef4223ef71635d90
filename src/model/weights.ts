/**
 * Weights as plain arrays on the CPU: the one shape of a copied tensor (checkpoints, snapshots,
 * optimizer slots, fault recovery) and the one way to read it back from the device.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPTConfig } from './config';
import { GPT } from './gpt';

/** A float32 tensor's values and shape on the CPU. */
export type CpuTensor = { shape: number[]; data: Float32Array };
/** A CpuTensor with its name (an optimizer slot). */
export type NamedCpuTensor = { name: string } & CpuTensor;
/** A model's weights by name (GPT-2 names for a GPT). */
export type CpuParams = Record<string, CpuTensor>;

/** Reads a tensor back (a GPU→CPU sync) into a fresh array of its own. */
export async function toCpu(t: tf.Tensor): Promise<CpuTensor> {
  return { shape: t.shape.slice(), data: Float32Array.from(await t.data()) };
}

/** Reads every named weight back. */
export async function readParams(params: ReadonlyMap<string, tf.Tensor>): Promise<CpuParams> {
  const out: CpuParams = {};
  for (const [name, v] of params) out[name] = await toCpu(v);
  return out;
}

/** Assigns CPU copies to the named variables; throws if one is missing or the wrong size. */
export function assignParams(params: ReadonlyMap<string, tf.Variable>, from: CpuParams): void {
  for (const [name, v] of params) {
    const p = from[name];
    if (!p || p.data.length !== v.size) throw new Error(`the checkpoint lacks ${name}`);
    const t = tf.tensor(p.data, v.shape);
    v.assign(t);
    t.dispose();
  }
}

/** A GPT on the current backend from CPU copies of its weights (a checkpoint, a lost device). */
export function gptFromParams(config: GPTConfig, params: CpuParams, trainable: boolean): GPT {
  const tensors = new Map<string, tf.Tensor>();
  for (const [name, p] of Object.entries(params)) tensors.set(name, tf.tensor(p.data, p.shape));
  try {
    return GPT.fromTensors(config, tensors, trainable);
  } finally {
    tf.dispose([...tensors.values()]);
  }
}
