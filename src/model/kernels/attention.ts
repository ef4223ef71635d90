/**
 * Causal multi-head self-attention as one kernel per direction on the WASM backend (JS over
 * the heap). The stock composition is ≈ 20 kernels forward (split, three matMuls, reshapes,
 * transposes, q·kᵀ, scale, bias, softmax, att·v, merge) and ≈ 40 backward, each with its
 * engine overhead; at nano's shapes that overhead is most of the step.
 *
 * qkv [B, Tn, 3C] is c_attn's output (q | k | v along the last axis, heads of hs = C/nh each),
 * keyMask [B, Tk] is 1 for real keys. Query i (absolute position Tp + i) sees key j iff
 * j ≤ Tp + i and keyMask[j] = 1; with kPast/vPast [B, nh, Tp, hs] (the KV cache) Tk = Tp + Tn.
 *   s_ij = q_i·k_j / √hs, P = softmax_j(s) over the allowed keys (uniform over all Tk where
 *   none is allowed, as the stock −1e9 bias gives), y_i = Σ_j P_ij v_j, merged to [B, Tn, C].
 *   backward (Tp = 0): dP_ij = dy_i·v_j, dS_ij = P_ij(dP_ij − Σ_j P_ij dP_ij),
 *   dq_i = Σ_j dS_ij k_j / √hs, dk_j = Σ_i dS_ij q_i / √hs, dv_j = Σ_i P_ij dy_i.
 * Float64 inside, float32 out. gpt.ts uses it only where attentionFusedActive() (WASM).
 */
import * as tf from '@tensorflow/tfjs';
import { f32, type WasmBackendLike } from './wasmHeap';

export const ATTENTION_KERNEL = 'DpoCausalAttention';
export const ATTENTION_GRAD_KERNEL = 'DpoCausalAttentionGrad';

type Info = tf.TensorInfo;
type KernelAttrs = Parameters<ReturnType<typeof tf.engine>['runKernel']>[2];
type Attrs = { nh: number; withCache: boolean };

function need(t: Info | undefined, name: string): Info {
  if (!t) throw new Error(`${ATTENTION_KERNEL}: missing input ${name}`);
  return t;
}

/**
 * → [y [B, Tn, C], P [B, nh, Tn, Tk]], then k, v [B, nh, Tk, hs] (past and new) when
 * `withCache`.
 */
function forward(be: WasmBackendLike, inputs: Record<string, Info>, a: Attrs): Info[] {
  const qkv = need(inputs.qkv, 'qkv');
  const [B = 0, Tn = 0, C3 = 0] = qkv.shape;
  const C = C3 / 3;
  const { nh } = a;
  const hs = C / nh;
  const Tp = inputs.kPast?.shape[2] ?? 0;
  const Tk = Tp + Tn;
  const y = be.makeOutput([B, Tn, C], 'float32');
  const p = be.makeOutput([B, nh, Tn, Tk], 'float32');
  const kOut = a.withCache ? be.makeOutput([B, nh, Tk, hs], 'float32') : undefined;
  const vOut = a.withCache ? be.makeOutput([B, nh, Tk, hs], 'float32') : undefined;
  // Heap views only after every allocation (the heap may grow and detach older views).
  const X = f32(be, qkv);
  const M = f32(be, need(inputs.keyMask, 'keyMask'));
  const [Y, P] = [f32(be, y), f32(be, p)];
  const K = kOut ? f32(be, kOut) : new Float32Array(B * nh * Tk * hs);
  const V = vOut ? f32(be, vOut) : new Float32Array(B * nh * Tk * hs);
  const KP = inputs.kPast ? f32(be, inputs.kPast) : undefined;
  const VP = inputs.vPast ? f32(be, need(inputs.vPast, 'vPast')) : undefined;
  // K, V as [B, nh, Tk, hs]: the cached positions, then this call's.
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < nh; h++) {
      const base = (b * nh + h) * Tk * hs;
      if (KP && VP) {
        const src = (b * nh + h) * Tp * hs;
        K.set(KP.subarray(src, src + Tp * hs), base);
        V.set(VP.subarray(src, src + Tp * hs), base);
      }
      for (let t = 0; t < Tn; t++) {
        const from = (b * Tn + t) * C3 + h * hs;
        const to = base + (Tp + t) * hs;
        K.set(X.subarray(from + C, from + C + hs), to);
        V.set(X.subarray(from + 2 * C, from + 2 * C + hs), to);
      }
    }
  }
  const scale = 1 / Math.sqrt(hs);
  const s = new Float64Array(Tk);
  const acc = new Float64Array(hs);
  const q = new Float64Array(hs);
  for (let b = 0; b < B; b++) {
    const mb = b * Tk;
    for (let h = 0; h < nh; h++) {
      const kb = (b * nh + h) * Tk * hs;
      for (let i = 0; i < Tn; i++) {
        const qo = (b * Tn + i) * C3 + h * hs;
        for (let c = 0; c < hs; c++) q[c] = (X[qo + c] as number) * scale;
        const po = ((b * nh + h) * Tn + i) * Tk;
        const last = Tp + i; // causal: keys 0…last
        let mx = Number.NEGATIVE_INFINITY;
        for (let j = 0; j <= last; j++) {
          if ((M[mb + j] as number) === 0) continue;
          let d = 0;
          const ko = kb + j * hs;
          for (let c = 0; c < hs; c++) d += (q[c] as number) * (K[ko + c] as number);
          s[j] = d;
          if (d > mx) mx = d;
        }
        acc.fill(0);
        if (mx === Number.NEGATIVE_INFINITY) {
          // No key allowed: uniform over all Tk, as softmax of a row of equal −1e9.
          for (let j = 0; j < Tk; j++) {
            P[po + j] = 1 / Tk;
            const vo = kb + j * hs;
            for (let c = 0; c < hs; c++) acc[c] = (acc[c] as number) + (V[vo + c] as number) / Tk;
          }
        } else {
          let sum = 0;
          for (let j = 0; j <= last; j++) {
            if ((M[mb + j] as number) === 0) continue;
            const e = Math.exp((s[j] as number) - mx);
            s[j] = e;
            sum += e;
          }
          const inv = 1 / sum;
          for (let j = 0; j < Tk; j++) {
            if (j > last || (M[mb + j] as number) === 0) {
              P[po + j] = 0;
              continue;
            }
            const w = (s[j] as number) * inv;
            P[po + j] = w;
            const vo = kb + j * hs;
            for (let c = 0; c < hs; c++) acc[c] = (acc[c] as number) + w * (V[vo + c] as number);
          }
        }
        const yo = (b * Tn + i) * C + h * hs;
        for (let c = 0; c < hs; c++) Y[yo + c] = acc[c] as number;
      }
    }
  }
  return kOut && vOut ? [y, p, kOut, vOut] : [y, p];
}

/** qkv [B, T, 3C], P [B, nh, T, T], dy [B, T, C] → dqkv [B, T, 3C] (no cache). */
function backward(be: WasmBackendLike, inputs: Record<string, Info>, a: Attrs): Info {
  const qkv = need(inputs.qkv, 'qkv');
  const [B = 0, T = 0, C3 = 0] = qkv.shape;
  const C = C3 / 3;
  const { nh } = a;
  const hs = C / nh;
  const out = be.makeOutput([B, T, C3], 'float32');
  const [X, P, D, G] = [qkv, need(inputs.p, 'p'), need(inputs.dy, 'dy'), out].map((t) =>
    f32(be, t),
  ) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const scale = 1 / Math.sqrt(hs);
  // Per (b, h): q, k, v, dy as contiguous float64 [T, hs]; dk, dv accumulate over queries.
  const [q, k, v, dy, dk, dv] = Array.from({ length: 6 }, () => new Float64Array(T * hs)) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const dq = new Float64Array(hs);
  const dP = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < nh; h++) {
      for (let t = 0; t < T; t++) {
        const xo = (b * T + t) * C3 + h * hs;
        const yo = (b * T + t) * C + h * hs;
        for (let c = 0; c < hs; c++) {
          q[t * hs + c] = X[xo + c] as number;
          k[t * hs + c] = X[xo + C + c] as number;
          v[t * hs + c] = X[xo + 2 * C + c] as number;
          dy[t * hs + c] = D[yo + c] as number;
        }
      }
      dk.fill(0);
      dv.fill(0);
      for (let i = 0; i < T; i++) {
        const po = ((b * nh + h) * T + i) * T;
        const io = i * hs;
        let sum = 0;
        for (let j = 0; j < T; j++) {
          const w = P[po + j] as number;
          if (w === 0) continue;
          const jo = j * hs;
          let d = 0;
          for (let c = 0; c < hs; c++) d += (dy[io + c] as number) * (v[jo + c] as number);
          dP[j] = d;
          sum += w * d;
        }
        dq.fill(0);
        for (let j = 0; j < T; j++) {
          const w = P[po + j] as number;
          if (w === 0) continue;
          const ds = w * ((dP[j] as number) - sum) * scale;
          const jo = j * hs;
          for (let c = 0; c < hs; c++) {
            dq[c] = (dq[c] as number) + ds * (k[jo + c] as number);
            dk[jo + c] = (dk[jo + c] as number) + ds * (q[io + c] as number);
            dv[jo + c] = (dv[jo + c] as number) + w * (dy[io + c] as number);
          }
        }
        const qo = (b * T + i) * C3 + h * hs;
        for (let c = 0; c < hs; c++) G[qo + c] = dq[c] as number;
      }
      for (let j = 0; j < T; j++) {
        const ko = (b * T + j) * C3 + C + h * hs;
        for (let c = 0; c < hs; c++) {
          G[ko + c] = dk[j * hs + c] as number;
          G[ko + C + c] = dv[j * hs + c] as number;
        }
      }
    }
  }
  return out;
}

/** Registers both kernels for 'wasm' (idempotent). */
export function registerAttentionKernels(): void {
  if (tf.getKernel(ATTENTION_KERNEL, 'wasm')) return;
  tf.registerKernel({
    kernelName: ATTENTION_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) =>
      forward(
        backend as unknown as WasmBackendLike,
        inputs as Record<string, Info>,
        attrs as unknown as Attrs,
      ),
  });
  tf.registerKernel({
    kernelName: ATTENTION_GRAD_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backward(
        backend as unknown as WasmBackendLike,
        inputs as Record<string, Info>,
        attrs as unknown as Attrs,
      ),
  });
}

/** Whether the fused attention can run: the WASM backend with the kernels registered. */
export function attentionFusedActive(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(ATTENTION_KERNEL, 'wasm') !== undefined;
}

/**
 * Attention over a full sequence from position 0, differentiable in qkv:
 * qkv [B, T, 3C], keyMask [B, T] (constant) → y [B, T, C].
 */
export function attentionFused(qkv: tf.Tensor3D, keyMask: tf.Tensor2D, nh: number): tf.Tensor3D {
  const attrs = { nh, withCache: false } as unknown as KernelAttrs;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const [y, p] = tf
      .engine()
      .runKernel(ATTENTION_KERNEL, { qkv: x, keyMask }, attrs) as unknown as [tf.Tensor, tf.Tensor];
    save([x, p as tf.Tensor]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ps] = saved as [tf.Tensor, tf.Tensor];
        return tf
          .engine()
          .runKernel(ATTENTION_GRAD_KERNEL, { qkv: xs, p: ps, dy }, attrs) as tf.Tensor;
      },
    };
  });
  return op(qkv) as tf.Tensor3D;
}

/**
 * Incremental attention for decoding (no gradient): qkv [B, Tn, 3C] of the new positions,
 * keyMask [B, Tp + Tn], the cache's k, v [B, nh, Tp, hs] → y [B, Tn, C] and the grown
 * k, v [B, nh, Tp + Tn, hs].
 */
export function attentionFusedStep(
  qkv: tf.Tensor3D,
  keyMask: tf.Tensor2D,
  nh: number,
  past?: { k: tf.Tensor4D; v: tf.Tensor4D },
): { y: tf.Tensor3D; k: tf.Tensor4D; v: tf.Tensor4D } {
  const inputs: tf.NamedTensorMap = past
    ? { qkv, keyMask, kPast: past.k, vPast: past.v }
    : { qkv, keyMask };
  const attrs = { nh, withCache: true } as unknown as KernelAttrs;
  const [y, p, k, v] = tf.engine().runKernel(ATTENTION_KERNEL, inputs, attrs) as unknown as [
    tf.Tensor3D,
    tf.Tensor,
    tf.Tensor4D,
    tf.Tensor4D,
  ];
  p.dispose();
  return { y, k, v };
}
