/**
 * Last-axis softmax and moments as one invocation per row (no workgroup barriers): the
 * attention softmax [B, nh, T, Tk] and LayerNorm's mean/variance [B, T, C]. tfjs-webgpu's
 * barrier-based reductions are what SwiftShader runs slowest (see program.ts).
 * Backward passes: softmax dx = y ⊙ (dy − Σ dy ⊙ y), one kernel; moments dx = dμ/C +
 * dσ²·2(x − μ)/C, elementwise. Stock tfjs elsewhere.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernelsActive, runFlat } from './program';

const SOFTMAX_KERNEL = 'DpoRowSoftmax';
const SOFTMAX_GRAD_KERNEL = 'DpoRowSoftmaxGrad';
const MOMENTS_KERNEL = 'DpoRowMoments';

// Max first, so the exp never overflows; a row of −1e9 biases stays finite (uniform).
const SOFTMAX_BODY = `
  let R = uniforms.xShape[0];
  let C = uniforms.xShape[1];
  if (index < R) {
    let base = index * C;
    var mx = X[base];
    for (var c = 1; c < C; c++) { mx = max(mx, X[base + c]); }
    var s = 0.0;
    for (var c = 0; c < C; c++) { s += exp(X[base + c] - mx); }
    let inv = 1.0 / s;
    for (var c = 0; c < C; c++) { result[base + c] = exp(X[base + c] - mx) * inv; }
  }`;

const SOFTMAX_GRAD_BODY = `
  let R = uniforms.yShape[0];
  let C = uniforms.yShape[1];
  if (index < R) {
    let base = index * C;
    var dot = 0.0;
    for (var c = 0; c < C; c++) { dot += Dy[base + c] * Y[base + c]; }
    for (var c = 0; c < C; c++) { result[base + c] = Y[base + c] * (Dy[base + c] - dot); }
  }`;

// Two-pass (mean, then Σ(x − μ)²) for the same accuracy as tf.moments. result [R, 2].
const MOMENTS_BODY = `
  let R = uniforms.xShape[0];
  let C = uniforms.xShape[1];
  if (index < R) {
    let base = index * C;
    var s = 0.0;
    for (var c = 0; c < C; c++) { s += X[base + c]; }
    let mean = s / f32(C);
    var q = 0.0;
    for (var c = 0; c < C; c++) { let d = X[base + c] - mean; q += d * d; }
    result[index * 2] = mean;
    result[index * 2 + 1] = q / f32(C);
  }`;

let registered = false;

function registerRowKernels(): void {
  if (registered) return;
  registered = true;
  const rows = (
    name: string,
    key: string,
    names: string[],
    body: string,
    out: (s: number[]) => number[],
  ) =>
    tf.registerKernel({
      kernelName: name,
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend }) => {
        const infos = names.map((n) => (inputs as Record<string, tf.TensorInfo>)[n.toLowerCase()]);
        const first = infos[0];
        if (!first || infos.some((t) => !t)) throw new Error(`${name}: missing input`);
        const shape = first.shape;
        return runFlat(
          backend,
          key,
          names,
          infos as tf.TensorInfo[],
          out(shape),
          shape[0] ?? 0,
          body,
        );
      },
    });
  rows(SOFTMAX_KERNEL, 'dpo_row_softmax', ['X'], SOFTMAX_BODY, (s) => s);
  rows(SOFTMAX_GRAD_KERNEL, 'dpo_row_softmax_grad', ['Y', 'Dy'], SOFTMAX_GRAD_BODY, (s) => s);
  rows(MOMENTS_KERNEL, 'dpo_row_moments', ['X'], MOMENTS_BODY, (s) => [s[0] ?? 0, 2]);
}

/** Stock last-axis softmax. */
export function softmaxStock<T extends tf.Tensor>(x: T): T {
  return tf.softmax(x, -1) as T;
}

/** Softmax over the last axis: fused on WebGPU, tf.softmax elsewhere. */
export function softmaxLastAxis<T extends tf.Tensor>(x: T): T {
  if (!fusedKernelsActive()) return softmaxStock(x);
  registerRowKernels();
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const C = input.shape[input.rank - 1] ?? 1;
    const flat = tf.reshape(input, [-1, C]); // [R, C]
    const y = tf.engine().runKernel(SOFTMAX_KERNEL, { x: flat }) as tf.Tensor;
    save([y]);
    return {
      value: tf.reshape(y, input.shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ys] = saved as [tf.Tensor];
        const dx = tf.engine().runKernel(SOFTMAX_GRAD_KERNEL, {
          y: ys,
          dy: tf.reshape(dy, [-1, C]),
        }) as tf.Tensor;
        return tf.reshape(dx, input.shape);
      },
    };
  });
  return op(x) as T;
}

/** Mean and (population) variance over the last axis, keepDims: each [..., 1]. */
export type RowMoments = { mean: tf.Tensor; variance: tf.Tensor };

/** tf.moments(x, −1, true): fused on WebGPU, stock elsewhere. */
export function rowMoments(x: tf.Tensor): RowMoments {
  if (!fusedKernelsActive()) return tf.moments(x, -1, true);
  registerRowKernels();
  const C = x.shape[x.rank - 1] ?? 1;
  const keep = [...x.shape.slice(0, -1), 1];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const flat = tf.reshape(input, [-1, C]); // [R, C]
    const stats = tf.engine().runKernel(MOMENTS_KERNEL, { x: flat }) as tf.Tensor; // [R, 2]
    save([flat, stats]);
    return {
      value: stats,
      gradFunc: (dStats: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, st] = saved as [tf.Tensor, tf.Tensor];
        const mean = tf.slice(st, [0, 0], [-1, 1]); // [R, 1]
        const dMean = tf.slice(dStats, [0, 0], [-1, 1]);
        const dVar = tf.slice(dStats, [0, 1], [-1, 1]);
        const dx = tf.add(tf.div(dMean, C), tf.mul(tf.mul(dVar, 2 / C), tf.sub(xs, mean)));
        return tf.reshape(dx, input.shape);
      },
    };
  });
  const stats = op(x);
  return {
    mean: tf.reshape(tf.slice(stats, [0, 0], [-1, 1]), keep),
    variance: tf.reshape(tf.slice(stats, [0, 1], [-1, 1]), keep),
  };
}
