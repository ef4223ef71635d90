/**
 * The tfjs WASM backend's slow spots in a training step, and their fixes (each measured in
 * bench/profileStep.ts; the stock kernels stay in place off the WASM backend):
 *
 * - BatchMatMul with transposeA or transposeB leaves XNNPACK for a naive loop: on nano's
 *   shapes [480, 1024]ᵀ·[480, 32] takes ≈ 44 ms against ≈ 2 ms for an explicit Transpose and
 *   a plain matMul. Every backward matMul (dA = dC·Bᵀ, dB = Aᵀ·dC) transposes, so the
 *   override below transposes explicitly and calls the stock kernel without transposes.
 * - Elementwise chains run as one tfjs kernel per op (≈ 20–50 µs of engine overhead each,
 *   and a pass over memory each). The fused custom ops of the WebGPU path (target log-prob,
 *   GELU) get WASM implementations here: plain JS loops over the WASM heap, one kernel per
 *   direction, under the same kernel names, so gelu.ts and targetLogProb.ts run their fused
 *   branch unchanged. They compute in float64 and store float32 (within float32 rounding of
 *   the stock chain; the tests hold them to 1e-5 relative); exp and tanh go through the
 *   backend's own SIMD Softmax and Sigmoid kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { registerAttentionKernels } from './attention';
import { registerEmbeddingKernels } from './embedding';
import { GELU_GRAD_KERNEL, GELU_KERNEL } from './gelu';
import { registerLayerNormKernels } from './layerNorm';
import { SAMPLE_ROWS_KERNEL } from './sampleRows';
import { TARGET_LOGP_GRAD_KERNEL, TARGET_LOGP_KERNEL } from './targetLogProb';
import { f32, type WasmBackendLike } from './wasmHeap';
import { registerWasmOptimKernels } from './wasmOptim';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;
let matMulInstalled = false;
let prepared = false;

/** Swaps the last two axes of x through the backend's own Transpose kernel. */
function swapLast(x: Info, backend: KernelArgs['backend']): Info {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) throw new Error('the wasm backend has no Transpose kernel');
  const r = x.shape.length;
  const perm = [...Array(r).keys()];
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as Info;
}

/**
 * Replaces the WASM BatchMatMul with one that never passes a transpose flag to the WASM code
 * (idempotent; a no-op where the WASM backend is not registered). Same values: the same
 * products and sums, only the operands' layout differs.
 */
function installWasmMatMul(): void {
  if (matMulInstalled) return;
  const stock = tf.getKernel('BatchMatMul', 'wasm');
  if (!stock) return;
  matMulInstalled = true;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    ...stock,
    kernelFunc: (args: KernelArgs) => {
      const { inputs, backend, attrs } = args;
      const { a, b } = inputs as { a: Info; b: Info };
      const { transposeA, transposeB } = (attrs ?? {}) as {
        transposeA?: boolean;
        transposeB?: boolean;
      };
      if (!transposeA && !transposeB) return stock.kernelFunc(args);
      const a2 = transposeA ? swapLast(a, backend) : a;
      const b2 = transposeB ? swapLast(b, backend) : b;
      const out = stock.kernelFunc({
        inputs: { a: a2, b: b2 },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
      const wasm = backend as unknown as WasmBackendLike;
      if (a2 !== a) wasm.disposeData(a2.dataId);
      if (b2 !== b) wasm.disposeData(b2.dataId);
      return out;
    },
  });
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * Registers a JS kernel on 'wasm' (idempotent: the engine refuses a second registration).
 * `run` gets the backend and the inputs and returns the outputs it allocated.
 */
function registerJs(
  name: string,
  run: (be: WasmBackendLike, inputs: Record<string, Info>) => Info | Info[],
): void {
  if (tf.getKernel(name, 'wasm')) return;
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) =>
      run(backend as unknown as WasmBackendLike, inputs as Record<string, Info>),
  });
}

/**
 * Calls a stock WASM kernel from inside a JS kernel (no engine bookkeeping): its SIMD exp
 * is ≈ 5× V8's Math.exp, which the per-element loops below would otherwise spend most of
 * their time in. The result is a new heap allocation the caller owns.
 */
function stock(name: string, be: WasmBackendLike, inputs: Record<string, Info>, attrs = {}): Info {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`the wasm backend has no ${name} kernel`);
  const backend = be as unknown as KernelArgs['backend'];
  return k.kernelFunc({ inputs, backend, attrs }) as Info;
}

/** σ(2u), u = √(2/π)(x + 0.044715x³): GELU-tanh is x·σ(2u), as ½(1 + tanh u) = σ(2u). */
function sigmoid2u(be: WasmBackendLike, x: Info): Info {
  const z = be.makeOutput(x.shape, 'float32');
  const [X, Z] = [f32(be, x), f32(be, z)];
  for (let i = 0; i < X.length; i++) {
    const v = X[i] as number;
    Z[i] = 2 * SQRT_2_OVER_PI * (v + 0.044715 * v * v * v);
  }
  const s = stock('Sigmoid', be, { x: z });
  be.disposeData(z.dataId);
  return s;
}

/** GELU (tanh) forward and backward as in gelu.ts: inputs flat [n]. */
function registerGelu(): void {
  registerJs(GELU_KERNEL, (be, { x }) => {
    if (!x) throw new Error(`${GELU_KERNEL}: missing input`);
    const out = sigmoid2u(be, x); // overwritten in place with x·σ(2u)
    const [X, Y] = [f32(be, x), f32(be, out)];
    for (let i = 0; i < X.length; i++) Y[i] = (X[i] as number) * (Y[i] as number);
    return out;
  });
  // dy/dx = σ + 2x·σ(1 − σ)·√(2/π)(1 + 3·0.044715x²), σ = σ(2u) = ½(1 + tanh u)
  registerJs(GELU_GRAD_KERNEL, (be, { x, dy }) => {
    if (!x || !dy) throw new Error(`${GELU_GRAD_KERNEL}: missing input`);
    const out = sigmoid2u(be, x); // overwritten in place with the gradient
    const [X, D, R] = [f32(be, x), f32(be, dy), f32(be, out)];
    for (let i = 0; i < X.length; i++) {
      const v = X[i] as number;
      const sg = R[i] as number;
      const du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
      R[i] = (D[i] as number) * (sg + 2 * v * sg * (1 - sg) * du);
    }
    return out;
  });
}

/** Below this p(target) the float32 softmax loses digits of log p: that row is redone exactly. */
const TINY_P = 1e-30;

/**
 * Target log-prob as in targetLogProb.ts: logits [M, V], targets [M] → stats [M, 2] =
 * (logp, logsumexp); backward dlogits = dy·(1[v = t] − softmax(logits)). The softmax is the
 * backend's (SIMD); logp = log p_t, exact in float64 for rows where p_t underflows.
 */
function registerTargetLogProb(): void {
  registerJs(TARGET_LOGP_KERNEL, (be, { logits, targets }) => {
    if (!logits || !targets) throw new Error(`${TARGET_LOGP_KERNEL}: missing input`);
    const [M = 0, V = 0] = logits.shape;
    const p = stock('Softmax', be, { logits }, { dim: 1 });
    const out = be.makeOutput([M, 2], 'float32');
    const [X, P, S] = [f32(be, logits), f32(be, p), f32(be, out)];
    const T = be.typedArrayFromHeap(targets) as Int32Array;
    for (let m = 0; m < M; m++) {
      const base = m * V;
      const xt = X[base + (T[m] as number)] as number;
      const pt = P[base + (T[m] as number)] as number;
      let logp = Math.log(pt);
      if (!(pt > TINY_P)) {
        let mx = -Infinity;
        for (let v = 0; v < V; v++) mx = Math.max(mx, X[base + v] as number);
        let s = 0;
        for (let v = 0; v < V; v++) s += Math.exp((X[base + v] as number) - mx);
        logp = xt - (mx + Math.log(s));
      }
      S[2 * m] = logp;
      S[2 * m + 1] = xt - logp;
    }
    be.disposeData(p.dataId);
    return out;
  });
  registerJs(TARGET_LOGP_GRAD_KERNEL, (be, { logits, stats, targets, dy }) => {
    if (!logits || !stats || !targets || !dy) throw new Error('missing input');
    const [M = 0, V = 0] = logits.shape;
    const out = stock('Softmax', be, { logits }, { dim: 1 }); // overwritten in place
    const [D, R] = [f32(be, dy), f32(be, out)];
    const T = be.typedArrayFromHeap(targets) as Int32Array;
    for (let m = 0; m < M; m++) {
      const base = m * V;
      const d = D[m] as number;
      for (let v = 0; v < V; v++) R[base + v] = -d * (R[base + v] as number);
      const t = base + (T[m] as number);
      R[t] = (R[t] as number) + d;
    }
    return out;
  });
}

/** log p_t of row r from its softmax P, exact in float64 where p_t underflows. */
function rowLogp(X: Float32Array, P: Float32Array, base: number, V: number, t: number): number {
  const pt = P[base + t] as number;
  if (pt > TINY_P) return Math.log(pt);
  let mx = -Infinity;
  for (let v = 0; v < V; v++) mx = Math.max(mx, X[base + v] as number);
  let s = 0;
  for (let v = 0; v < V; v++) s += Math.exp((X[base + v] as number) - mx);
  return (X[base + t] as number) - (mx + Math.log(s));
}

/** Plain sampling per row, as sampleRows.ts describes: logits [B, V], u [B] → [B, 2]. */
function registerSampleRows(): void {
  if (tf.getKernel(SAMPLE_ROWS_KERNEL, 'wasm')) return;
  tf.registerKernel({
    kernelName: SAMPLE_ROWS_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const be = backend as unknown as WasmBackendLike;
      const { logits, u } = inputs as Record<string, Info>;
      if (!logits || !u) throw new Error(`${SAMPLE_ROWS_KERNEL}: missing input`);
      const { temperature } = attrs as unknown as { temperature: number };
      const [B = 0, V = 0] = logits.shape;
      let scaled = logits;
      if (temperature !== 1) {
        scaled = be.makeOutput([B, V], 'float32');
        const [X, S] = [f32(be, logits), f32(be, scaled)];
        for (let i = 0; i < X.length; i++) S[i] = (X[i] as number) / temperature;
      }
      const p = stock('Softmax', be, { logits: scaled }, { dim: 1 });
      const p1 = temperature === 1 ? p : stock('Softmax', be, { logits }, { dim: 1 });
      const out = be.makeOutput([B, 2], 'float32');
      const [X, P, P1, U, O] = [logits, p, p1, u, out].map((t) => f32(be, t)) as Float32Array[];
      if (!X || !P || !P1 || !U || !O) throw new Error('heap view missing');
      for (let b = 0; b < B; b++) {
        const base = b * V;
        let total = 0;
        for (let v = 0; v < V; v++) total += P[base + v] as number;
        const target = (U[b] as number) * total;
        let acc = 0;
        let tok = V - 1;
        for (let v = 0; v < V; v++) {
          acc += P[base + v] as number;
          if (acc > target) {
            tok = v;
            break;
          }
        }
        O[2 * b] = tok;
        O[2 * b + 1] = rowLogp(X, P1, base, V, tok);
      }
      for (const t of new Set([p, p1, scaled])) if (t !== logits) be.disposeData(t.dataId);
      return out;
    },
  });
}

/** Whether the WASM fast paths run: the active backend is tfjs-backend-wasm. */
function wasmFastActive(): boolean {
  return tf.getBackend() === 'wasm';
}

/** Installs every WASM override when the WASM backend is active (cheap after the first call). */
export function prepareWasm(): void {
  if (!wasmFastActive() || prepared) return;
  prepared = true;
  installWasmMatMul();
  registerGelu();
  registerTargetLogProb();
  registerWasmOptimKernels();
  registerLayerNormKernels();
  registerEmbeddingKernels();
  registerAttentionKernels();
  registerSampleRows();
}
