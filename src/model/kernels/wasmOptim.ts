/**
 * The optimiser's side of a step as two multi-tensor JS kernels on the WASM heap: stock tfjs
 * runs ≈ 4 kernels per variable for global-norm clipping and ≈ 14 per variable for Adam
 * (≈ 500 kernels for nano's 28 variables, each ≈ 20–50 µs of engine overhead, more than
 * the arithmetic). Each kernel here is one pass over every variable. Math in float64, stored
 * float32; the stock ops remain the reference (wasmKernels.cpu-only.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { f32, type WasmBackendLike } from './wasmHeap';

export const CLIP_KERNEL = 'DpoClipByGlobalNorm';
export const ADAM_KERNEL = 'DpoAdamUpdate';

type Info = tf.TensorInfo;
type KernelAttrs = Parameters<ReturnType<typeof tf.engine>['runKernel']>[2];

/** Inputs named `${prefix}${i}` for i in [0, n). */
function listed(inputs: Record<string, Info>, prefix: string, n: number): Info[] {
  return Array.from({ length: n }, (_, i) => {
    const t = inputs[`${prefix}${i}`];
    if (!t) throw new Error(`missing input ${prefix}${i}`);
    return t;
  });
}

type ClipAttrs = { n: number; maxNorm: number };

/**
 * Inputs g0…g(n−1); outputs n clipped copies and the norm [1] before clipping:
 * norm = √Σ g², scale = min(1, maxNorm / (norm + 1e-6)) (1 when maxNorm is not finite).
 */
function clipKernel(be: WasmBackendLike, inputs: Record<string, Info>, a: ClipAttrs): Info[] {
  const grads = listed(inputs, 'g', a.n);
  const outs = grads.map((g) => be.makeOutput(g.shape, 'float32'));
  const normOut = be.makeOutput([1], 'float32');
  let sq = 0;
  for (const g of grads) {
    const G = f32(be, g);
    for (let i = 0; i < G.length; i++) sq += (G[i] as number) * (G[i] as number);
  }
  const norm = Math.sqrt(sq);
  const scale = Number.isFinite(a.maxNorm) ? Math.min(1, a.maxNorm / (norm + 1e-6)) : 1;
  grads.forEach((g, k) => {
    const [G, O] = [f32(be, g), f32(be, outs[k] as Info)];
    for (let i = 0; i < G.length; i++) O[i] = (G[i] as number) * scale;
  });
  f32(be, normOut)[0] = norm;
  return [...outs, normOut];
}

/**
 * Adam as tf.train.adam: m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g²,
 * p' = p − lr·(m'/c1) / (√(v'/c2) + ε) with c1 = 1 − β1^t, c2 = 1 − β2^t.
 */
export type AdamAttrs = {
  n: number;
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  c1: number;
  c2: number;
};

/** Inputs p_i, g_i, m_i, v_i; outputs [p'_0, m'_0, v'_0, p'_1, …]. */
function adamKernel(be: WasmBackendLike, inputs: Record<string, Info>, a: AdamAttrs): Info[] {
  const [p, g, m, v] = ['p', 'g', 'm', 'v'].map((k) => listed(inputs, k, a.n)) as [
    Info[],
    Info[],
    Info[],
    Info[],
  ];
  const outs = p.flatMap((t) => [0, 1, 2].map(() => be.makeOutput(t.shape, 'float32')));
  for (let k = 0; k < a.n; k++) {
    const [P, G, M, V] = [p[k], g[k], m[k], v[k]].map((t) => f32(be, t as Info)) as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const [P2, M2, V2] = [0, 1, 2].map((j) => f32(be, outs[3 * k + j] as Info)) as [
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    for (let i = 0; i < P.length; i++) {
      const gi = G[i] as number;
      const mi = a.beta1 * (M[i] as number) + (1 - a.beta1) * gi;
      const vi = a.beta2 * (V[i] as number) + (1 - a.beta2) * gi * gi;
      M2[i] = mi;
      V2[i] = vi;
      P2[i] = (P[i] as number) - (a.lr * (mi / a.c1)) / (Math.sqrt(vi / a.c2) + a.epsilon);
    }
  }
  return outs;
}

/** Registers both kernels for 'wasm' (idempotent). */
export function registerWasmOptimKernels(): void {
  const reg = (
    name: string,
    fn: (be: WasmBackendLike, i: Record<string, Info>, a: never) => Info[],
  ) => {
    if (tf.getKernel(name, 'wasm')) return;
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) =>
        fn(backend as unknown as WasmBackendLike, inputs as Record<string, Info>, attrs as never),
    });
  };
  reg(CLIP_KERNEL, clipKernel);
  reg(ADAM_KERNEL, adamKernel);
}

/** Global-norm clipping of named grads in one kernel: same contract as clipByGlobalNorm. */
export function clipByGlobalNormFused(
  grads: tf.NamedTensorMap,
  maxNorm: number,
): { grads: tf.NamedTensorMap; norm: tf.Scalar } {
  const names = Object.keys(grads);
  const inputs: tf.NamedTensorMap = {};
  names.forEach((k, i) => {
    inputs[`g${i}`] = grads[k] as tf.Tensor;
  });
  const attrs: ClipAttrs = { n: names.length, maxNorm };
  const outs = tf.engine().runKernel(CLIP_KERNEL, inputs, attrs as unknown as KernelAttrs);
  const list = outs as unknown as tf.Tensor[];
  const clipped: tf.NamedTensorMap = {};
  names.forEach((k, i) => {
    clipped[k] = list[i] as tf.Tensor;
  });
  const norm = tf.reshape(list[names.length] as tf.Tensor, []) as tf.Scalar;
  return { grads: clipped, norm };
}
