/**
 * LayerNorm over the last axis as one kernel per direction, on the WASM backend (JS over the
 * heap; the stock composition is ≈ 12 kernels forward and ≈ 30 backward, each with its
 * engine overhead). x [R, C], γ, β [C]:
 *   μ, σ² per row (population), r = 1/√(σ² + ε), x̂ = (x − μ)·r, y = x̂·γ + β;
 *   backward: g = dy·γ, dγ = Σ_rows dy·x̂, dβ = Σ_rows dy, dx = r·(g − mean(g) − x̂·mean(g·x̂)).
 * Float64 inside, float32 out. gpt.ts uses it only where layerNormFusedActive() (WASM).
 */
import * as tf from '@tensorflow/tfjs';
import { f32, type WasmBackendLike } from './wasmHeap';

export const LAYERNORM_KERNEL = 'DpoLayerNorm';
const LAYERNORM_GRAD_KERNEL = 'DpoLayerNormGrad';

type Info = tf.TensorInfo;
type KernelAttrs = Parameters<ReturnType<typeof tf.engine>['runKernel']>[2];

function need(t: Info | undefined, name: string): Info {
  if (!t) throw new Error(`${LAYERNORM_KERNEL}: missing input ${name}`);
  return t;
}

/** x [R, C], gamma, beta [C], attr eps → [y [R, C], stats [R, 2] = (μ, r)]. */
function forward(be: WasmBackendLike, inputs: Record<string, Info>, eps: number): Info[] {
  const x = need(inputs.x, 'x');
  const [R = 0, C = 0] = x.shape;
  const y = be.makeOutput([R, C], 'float32');
  const stats = be.makeOutput([R, 2], 'float32');
  const [X, G, B, Y, S] = [x, need(inputs.gamma, 'gamma'), need(inputs.beta, 'beta'), y, stats].map(
    (t) => f32(be, t),
  ) as Float32Array[] as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  for (let r = 0; r < R; r++) {
    const o = r * C;
    let s = 0;
    for (let c = 0; c < C; c++) s += X[o + c] as number;
    const mu = s / C;
    let q = 0;
    for (let c = 0; c < C; c++) {
      const d = (X[o + c] as number) - mu;
      q += d * d;
    }
    const rstd = 1 / Math.sqrt(q / C + eps);
    for (let c = 0; c < C; c++) {
      Y[o + c] = ((X[o + c] as number) - mu) * rstd * (G[c] as number) + (B[c] as number);
    }
    S[2 * r] = mu;
    S[2 * r + 1] = rstd;
  }
  return [y, stats];
}

/** x [R, C], stats [R, 2], gamma [C], dy [R, C] → [dx [R, C], dgamma [C], dbeta [C]]. */
function backward(be: WasmBackendLike, inputs: Record<string, Info>): Info[] {
  const x = need(inputs.x, 'x');
  const [R = 0, C = 0] = x.shape;
  const dx = be.makeOutput([R, C], 'float32');
  const dg = be.makeOutput([C], 'float32');
  const db = be.makeOutput([C], 'float32');
  const [X, S, G, D, DX, DG, DB] = [
    x,
    need(inputs.stats, 'stats'),
    need(inputs.gamma, 'gamma'),
    need(inputs.dy, 'dy'),
    dx,
    dg,
    db,
  ].map((t) => f32(be, t));
  if (!X || !S || !G || !D || !DX || !DG || !DB) throw new Error('heap view missing');
  const accG = new Float64Array(C);
  const accB = new Float64Array(C);
  for (let r = 0; r < R; r++) {
    const o = r * C;
    const mu = S[2 * r] as number;
    const rstd = S[2 * r + 1] as number;
    let sumG = 0;
    let sumGX = 0;
    for (let c = 0; c < C; c++) {
      const xh = ((X[o + c] as number) - mu) * rstd;
      const dyc = D[o + c] as number;
      const g = dyc * (G[c] as number);
      sumG += g;
      sumGX += g * xh;
      accG[c] = (accG[c] as number) + dyc * xh;
      accB[c] = (accB[c] as number) + dyc;
    }
    const mG = sumG / C;
    const mGX = sumGX / C;
    for (let c = 0; c < C; c++) {
      const xh = ((X[o + c] as number) - mu) * rstd;
      DX[o + c] = rstd * ((D[o + c] as number) * (G[c] as number) - mG - xh * mGX);
    }
  }
  DG.set(accG);
  DB.set(accB);
  return [dx, dg, db];
}

/** Registers both kernels for 'wasm' (idempotent). */
export function registerLayerNormKernels(): void {
  if (tf.getKernel(LAYERNORM_KERNEL, 'wasm')) return;
  tf.registerKernel({
    kernelName: LAYERNORM_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) =>
      forward(
        backend as unknown as WasmBackendLike,
        inputs as Record<string, Info>,
        (attrs as { eps: number }).eps,
      ),
  });
  tf.registerKernel({
    kernelName: LAYERNORM_GRAD_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) =>
      backward(backend as unknown as WasmBackendLike, inputs as Record<string, Info>),
  });
}

/** Whether layerNormFused can run: the WASM backend with the kernels registered. */
export function layerNormFusedActive(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(LAYERNORM_KERNEL, 'wasm') !== undefined;
}

/** LayerNorm of x [..., C] with gain and bias [C]: differentiable in all three. */
export function layerNormFused<T extends tf.Tensor>(
  x: T,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number,
): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const C = input.shape[input.rank - 1] ?? 1;
    const flat = tf.reshape(input, [-1, C]); // [R, C]
    const attrs = { eps } as unknown as KernelAttrs;
    const [y, stats] = tf
      .engine()
      .runKernel(LAYERNORM_KERNEL, { x: flat, gamma: g, beta: b }, attrs) as unknown as [
      tf.Tensor,
      tf.Tensor,
    ];
    save([flat, stats, g]);
    return {
      value: tf.reshape(y, input.shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, st, gs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const [dx, dg, db] = tf.engine().runKernel(LAYERNORM_GRAD_KERNEL, {
          x: xs,
          stats: st,
          gamma: gs,
          dy: tf.reshape(dy, [-1, C]),
        }) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
        return [tf.reshape(dx, input.shape), dg, db];
      },
    };
  });
  return op(x, gamma, beta) as T;
}
