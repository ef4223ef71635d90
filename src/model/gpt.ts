/**
 * A GPT-2-style decoder in pure tfjs: token + learned position embeddings, pre-LayerNorm
 * blocks of causal multi-head self-attention and a 4× GELU MLP, final LayerNorm, LM head tied
 * to the token embedding. Parameter names and layouts are GPT-2's (c_* weights [in, out], as
 * its Conv1D), so Hugging Face checkpoints map one-to-one (with a `transformer.` prefix).
 */
import * as tf from '@tensorflow/tfjs';
import { type GPTConfig, validateConfig } from './config';
import { attentionFused, attentionFusedActive, attentionFusedStep } from './kernels/attention';
import { embeddingFusedActive, embedFused } from './kernels/embedding';
import { gelu as fusedGelu } from './kernels/gelu';
import { geluErf } from './kernels/geluErf';
import { layerNormFused, layerNormFusedActive } from './kernels/layerNorm';
import { rowMoments, softmaxLastAxis } from './kernels/rowOps';
import { prepareWasm } from './kernels/wasm';

/** Additive bias for masked attention logits; finite so fully-masked rows stay NaN-free. */
const MASKED = -1e9;

/** Per-layer keys and values of the positions seen so far: each [B, nh, Tpast, hs]. */
export interface KVCache {
  k: tf.Tensor4D[];
  v: tf.Tensor4D[];
}

export interface ForwardOptions {
  /** [B, T] 1 for real tokens, 0 for padding (left or right). Default: all ones. */
  attentionMask?: tf.Tensor2D;
  /** Enables dropout when config.dropout > 0. */
  training?: boolean;
}

/** forwardHidden's result: hidden is the trunk's output after ln_f; logits only if asked for. */
export type HiddenOutput = {
  /** [B, T, C] */
  hidden: tf.Tensor3D;
  /** [B, T, V]; absent when `withLogits` is false. */
  logits?: tf.Tensor3D;
};

export interface StepInput {
  /** [B, Tn] new token ids. */
  ids: tf.Tensor2D;
  /** [B, Tn] int32 position of each new token (count of real tokens before it). */
  positions: tf.Tensor2D;
  /** [B, Tpast + Tn] 1 where a key is a real token. */
  keyMask: tf.Tensor2D;
  /** Keys and values of earlier positions; absent on the first call. */
  cache?: KVCache;
}

/** GPT-2 parameter names in a stable order, with shapes. */
export function parameterShapes(cfg: GPTConfig): [string, number[]][] {
  const { nLayer: L, nEmbd: C, blockSize: T, vocabSize: V } = cfg;
  const shapes: [string, number[]][] = [
    ['wte.weight', [V, C]],
    ['wpe.weight', [T, C]],
  ];
  for (let i = 0; i < L; i++) {
    const h = `h.${i}`;
    shapes.push(
      [`${h}.ln_1.weight`, [C]],
      [`${h}.ln_1.bias`, [C]],
      [`${h}.attn.c_attn.weight`, [C, 3 * C]],
      [`${h}.attn.c_attn.bias`, [3 * C]],
      [`${h}.attn.c_proj.weight`, [C, C]],
      [`${h}.attn.c_proj.bias`, [C]],
      [`${h}.ln_2.weight`, [C]],
      [`${h}.ln_2.bias`, [C]],
      [`${h}.mlp.c_fc.weight`, [C, 4 * C]],
      [`${h}.mlp.c_fc.bias`, [4 * C]],
      [`${h}.mlp.c_proj.weight`, [4 * C, C]],
      [`${h}.mlp.c_proj.bias`, [C]],
    );
  }
  shapes.push(['ln_f.weight', [C]], ['ln_f.bias', [C]]);
  return shapes;
}

/** GPT-2 initialisation: N(0, 0.02), residual projections N(0, 0.02/√(2L)), LN 1/0, biases 0. */
function initialValue(name: string, shape: number[], cfg: GPTConfig, seed: number): tf.Tensor {
  if (name.endsWith('.bias')) return tf.zeros(shape);
  if (name.includes('ln_')) return tf.ones(shape);
  const std = name.endsWith('c_proj.weight') ? 0.02 / Math.sqrt(2 * cfg.nLayer) : 0.02;
  return tf.randomNormal(shape, 0, std, 'float32', seed);
}

export class GPT {
  readonly config: GPTConfig;
  /** GPT-2 name → variable, in parameterShapes order. */
  readonly params: Map<string, tf.Variable>;
  readonly trainable: boolean;

  private constructor(config: GPTConfig, params: Map<string, tf.Variable>, trainable: boolean) {
    this.config = config;
    this.params = params;
    this.trainable = trainable;
  }

  /** A freshly initialised model; the same seed gives the same weights on every backend. */
  static create(config: GPTConfig, seed = 0, trainable = true): GPT {
    validateConfig(config);
    const params = new Map<string, tf.Variable>();
    parameterShapes(config).forEach(([name, shape], i) => {
      // +1: tfjs treats seed 0 as "unseeded" and falls back to Math.random.
      const init = initialValue(name, shape, config, seed * 1000 + i + 1);
      params.set(name, tf.variable(init, trainable));
      init.dispose();
    });
    return new GPT(config, params, trainable);
  }

  /** Builds a model from named tensors (copied); throws on a missing name or wrong shape. */
  static fromTensors(config: GPTConfig, tensors: Map<string, tf.Tensor>, trainable = true): GPT {
    validateConfig(config);
    const shapes = parameterShapes(config);
    // Check everything before allocating, so a rejected checkpoint leaks nothing.
    for (const [name, shape] of shapes) {
      const t = tensors.get(name);
      if (!t) throw new Error(`checkpoint has no parameter ${name}`);
      if (!tf.util.arraysEqual(t.shape, shape)) {
        throw new Error(`parameter ${name} has shape [${t.shape}], expected [${shape}]`);
      }
    }
    const params = new Map<string, tf.Variable>();
    for (const [name] of shapes) {
      const t = tensors.get(name) as tf.Tensor;
      // A variable shares its initial tensor's data; tidy frees the temporary copy.
      params.set(
        name,
        tf.tidy(() => tf.variable(t.toFloat(), trainable)),
      );
    }
    return new GPT(config, params, trainable);
  }

  /** A deep copy; the DPO reference is `sft.clone(false)`, a frozen copy. */
  clone(trainable = this.trainable): GPT {
    const params = new Map<string, tf.Variable>();
    for (const [name, v] of this.params) {
      params.set(
        name,
        tf.tidy(() => tf.variable(v.clone(), trainable)),
      );
    }
    return new GPT(this.config, params, trainable);
  }

  /** Copies another model's weights into this one (same config). */
  assign(from: GPT): void {
    for (const [name, v] of this.params) {
      const src = from.params.get(name);
      if (!src) throw new Error(`no parameter ${name}`);
      v.assign(src);
    }
  }

  variables(): tf.Variable[] {
    return [...this.params.values()];
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }

  /** Logits for every position. ids [B, T] int32 → [B, T, V]. */
  forward(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    return tf.tidy(() => this.lmHead(this.trunk(ids, opts)));
  }

  /**
   * The final hidden states (after ln_f) [B, T, C], for scalar heads (reward model, value
   * head), and the logits [B, T, V] unless `withLogits` is false.
   */
  forwardHidden(
    ids: tf.Tensor2D,
    opts: ForwardOptions & { withLogits?: boolean } = {},
  ): HiddenOutput {
    return tf.tidy((): HiddenOutput => {
      const hidden = this.trunk(ids, opts);
      return opts.withLogits === false ? { hidden } : { hidden, logits: this.lmHead(hidden) };
    });
  }

  /** Hidden states of a full forward from position 0: ids [B, T] → [B, T, C]. */
  private trunk(ids: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D {
    const [B, T] = ids.shape;
    if (T > this.config.blockSize) {
      throw new Error(`sequence length ${T} exceeds blockSize ${this.config.blockSize}`);
    }
    const mask = opts.attentionMask ?? tf.ones([B, T]);
    // Position = number of real tokens before this one, so left padding shifts nothing.
    const positions = tf.maximum(tf.sub(tf.cumsum(mask.toInt(), 1), 1), 0) as tf.Tensor2D;
    return this.run(ids, positions, mask.toFloat(), undefined, !!opts.training, false).hidden;
  }

  /**
   * Incremental decoding: logits for the new tokens given cached keys/values of the earlier
   * ones. Returns the new cache (the caller disposes the old one). logits [B, Tn, V].
   */
  step(input: StepInput): { logits: tf.Tensor3D; cache: KVCache } {
    const out = tf.tidy(() => {
      const keyMask = input.keyMask.toFloat();
      const r = this.run(input.ids, input.positions, keyMask, input.cache, false, true);
      return { logits: this.lmHead(r.hidden), k: r.cache.k, v: r.cache.v };
    });
    return { logits: out.logits, cache: { k: out.k, v: out.v } };
  }

  private param(name: string): tf.Variable {
    const p = this.params.get(name);
    if (!p) throw new Error(`no parameter ${name}`);
    return p;
  }

  private run(
    ids: tf.Tensor2D,
    positions: tf.Tensor2D,
    keyMask: tf.Tensor2D,
    cache: KVCache | undefined,
    training: boolean,
    keepCache: boolean,
  ): { hidden: tf.Tensor3D; cache: KVCache } {
    prepareWasm(); // WASM-backend kernel fixes (kernels/wasm.ts), installed once
    const { nLayer, dropout } = this.config;
    const Tn = ids.shape[1];
    const Tpast = cache?.k[0]?.shape[2] ?? 0;
    const drop = (x: tf.Tensor) => (training && dropout > 0 ? tf.dropout(x, dropout) : x);

    const tok = embed(this.param('wte.weight'), ids); // [B, Tn, C]
    const pos = embed(this.param('wpe.weight'), positions); // [B, Tn, C]
    let x = drop(tf.add(tok, pos)) as tf.Tensor3D; // [B, Tn, C]

    // WASM: one kernel per direction for the whole attention (kernels/attention.ts); it takes
    // the key mask itself. Attention dropout needs the stock path.
    const fused = attentionFusedActive() && !(training && dropout > 0);
    const mask: AttentionMask = fused
      ? { keyMask, keepCache }
      : { bias: attentionBias(keyMask, Tpast, Tn) }; // bias [B, 1, Tn, Tk]
    const next: KVCache = { k: [], v: [] };
    for (let i = 0; i < nLayer; i++) {
      const h = `h.${i}`;
      const a = this.attention(this.layerNorm(x, `${h}.ln_1`), i, mask, cache, next, training);
      x = tf.add(x, drop(a)) as tf.Tensor3D;
      const m = this.mlp(this.layerNorm(x, `${h}.ln_2`), h);
      x = tf.add(x, drop(m)) as tf.Tensor3D;
    }
    return { hidden: this.layerNorm(x, 'ln_f'), cache: next }; // [B, Tn, C]
  }

  /** Tied LM head: logits = x · wteᵀ. x [B, T, C] → [B, T, V]. */
  private lmHead(x: tf.Tensor3D): tf.Tensor3D {
    const [B, T, C] = x.shape;
    const flat = tf.reshape(x, [B * T, C]); // [B·T, C]
    const logits = tf.matMul(flat, this.param('wte.weight'), false, true); // [B·T, V]
    return tf.reshape(logits, [B, T, this.config.vocabSize]);
  }

  private layerNorm(x: tf.Tensor3D, prefix: string): tf.Tensor3D {
    const gain = this.param(`${prefix}.weight`);
    const shift = this.param(`${prefix}.bias`);
    // WASM: one JS kernel per direction (kernels/layerNorm.ts); the same equations below.
    if (layerNormFusedActive()) return layerNormFused(x, gain, shift, this.config.layerNormEps);
    const { mean, variance } = rowMoments(x); // [B, T, 1]
    const xhat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.config.layerNormEps)));
    return tf.add(tf.mul(xhat, rowVector(gain)), rowVector(shift)) as tf.Tensor3D;
  }

  /** x [B, T, Cin] · W [Cin, Cout] + b, as GPT-2's Conv1D. */
  private conv1d(x: tf.Tensor3D, prefix: string): tf.Tensor3D {
    const [B, T, Cin] = x.shape;
    const w = this.param(`${prefix}.weight`);
    const y = tf.add(
      tf.matMul(tf.reshape(x, [B * T, Cin]), w),
      rowVector(this.param(`${prefix}.bias`)),
    );
    return tf.reshape(y, [B, T, w.shape[1] ?? 0]);
  }

  private attention(
    x: tf.Tensor3D,
    layer: number,
    mask: AttentionMask,
    cache: KVCache | undefined,
    next: KVCache,
    training: boolean,
  ): tf.Tensor3D {
    const { nHead: nh, nEmbd: C, dropout } = this.config;
    const hs = C / nh;
    const [B, T] = x.shape;
    const prefix = `h.${layer}.attn.c_attn`;
    if ('keyMask' in mask) {
      const qkv = this.conv1d(x, prefix); // [B, T, 3C]: q, k, v in one matMul
      const proj = (y: tf.Tensor3D) => this.conv1d(y, `h.${layer}.attn.c_proj`);
      if (!mask.keepCache) return proj(attentionFused(qkv, mask.keyMask, nh)); // [B, T, C]
      const kPast = cache?.k[layer];
      const vPast = cache?.v[layer];
      const past = kPast && vPast ? { k: kPast, v: vPast } : undefined;
      const r = attentionFusedStep(qkv, mask.keyMask, nh, past); // k, v [B, nh, Tk, hs]
      next.k.push(r.k);
      next.v.push(r.v);
      return proj(r.y);
    }
    const { bias } = mask;
    // Split the [C, 3C] weight rather than the [B, T, 3C] output: the same q, k, v, and the
    // slices are of a small tensor (slicing activations is slow on the CPU backend).
    const ws = tf.split(this.param(`${prefix}.weight`), 3, 1); // 3 × [C, C]
    const bs = tf.split(this.param(`${prefix}.bias`), 3, 0); // 3 × [C]
    const flat = tf.reshape(x, [B * T, C]); // [B·T, C]
    const heads = (i: number) =>
      tf.transpose(
        tf.reshape(tf.add(tf.matMul(flat, ws[i] as tf.Tensor2D), rowVector(bs[i] as tf.Tensor)), [
          B,
          T,
          nh,
          hs,
        ]),
        [0, 2, 1, 3],
      ) as tf.Tensor4D; // [B, nh, T, hs]
    const q = heads(0);
    const kNew = heads(1);
    const vNew = heads(2);
    const kPast = cache?.k[layer];
    const vPast = cache?.v[layer];
    const k = kPast ? tf.concat([kPast, kNew], 2) : kNew; // [B, nh, Tk, hs]
    const v = vPast ? tf.concat([vPast, vNew], 2) : vNew; // [B, nh, Tk, hs]
    next.k.push(k);
    next.v.push(v);
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hs)), bias); // [B, nh, T, Tk]
    let att = softmaxLastAxis(scores); // [B, nh, T, Tk]
    if (training && dropout > 0) att = tf.dropout(att, dropout);
    const y = tf.matMul(att, v); // [B, nh, T, hs]
    const merged = tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B, T, C]) as tf.Tensor3D; // [B, T, C]
    return this.conv1d(merged, `h.${layer}.attn.c_proj`);
  }

  private mlp(x: tf.Tensor3D, h: string): tf.Tensor3D {
    const act = this.config.activation === 'gelu' ? geluErf : gelu; // exact erf, or tanh form
    return this.conv1d(act(this.conv1d(x, `${h}.mlp.c_fc`)), `${h}.mlp.c_proj`);
  }
}

/**
 * How attention masks keys: the stock path's additive bias [B, 1, Tn, Tk], or the fused
 * kernel's key mask [B, Tk] (it applies causality itself), with whether to return the cache.
 */
type AttentionMask = { bias: tf.Tensor4D } | { keyMask: tf.Tensor2D; keepCache: boolean };

/**
 * Embedding lookup as one-hot · table: table [R, C], ids [B, T] → [B, T, C]. Its gradient is
 * a matMul; tf.gather's is an unsortedSegmentSum that the CPU backend runs per segment
 * (minutes per step at vocab 512).
 */
function embed(table: tf.Tensor, ids: tf.Tensor2D): tf.Tensor3D {
  // WASM: JS row copies forward, scatter-add backward (kernels/embedding.ts), no one-hot.
  if (embeddingFusedActive()) return embedFused(table as tf.Tensor2D, ids);
  const [B, T] = ids.shape;
  const [R = 0, C = 0] = table.shape;
  const oneHot = tf.oneHot(tf.reshape(ids.toInt(), [B * T]), R); // [B·T, R]
  return tf.reshape(tf.matMul(oneHot, table as tf.Tensor2D), [B, T, C]);
}

/** GELU, tanh approximation (GPT-2's gelu_new); a fused kernel on WebGPU. */
export function gelu<T extends tf.Tensor>(x: T): T {
  return fusedGelu(x);
}

/**
 * A bias or gain [C] as [1, C]: the same broadcast, but tfjs-webgpu sends a rank-1 operand
 * of < 128 elements through a workgroup-memory kernel that SwiftShader runs ≈ 60× slower.
 */
function rowVector(v: tf.Tensor): tf.Tensor2D {
  return tf.reshape(v, [1, v.size]);
}

/**
 * Causal + key-padding bias: query i (absolute position Tpast + i) sees key j iff
 * j ≤ Tpast + i and key j is real. keyMask [B, Tk] → [B, 1, Tn, Tk] of 0 or MASKED.
 */
function attentionBias(keyMask: tf.Tensor2D, Tpast: number, Tn: number): tf.Tensor4D {
  const [B, Tk] = keyMask.shape;
  const causal = new Float32Array(Tn * Tk);
  for (let i = 0; i < Tn; i++)
    for (let j = 0; j < Tk; j++) causal[i * Tk + j] = j <= Tpast + i ? 1 : 0;
  const allowed = tf.mul(
    tf.tensor2d(causal, [Tn, Tk]).reshape([1, 1, Tn, Tk]),
    tf.reshape(keyMask, [B, 1, 1, Tk]),
  ); // [B, 1, Tn, Tk]
  return tf.mul(tf.sub(1, allowed), MASKED) as tf.Tensor4D;
}
