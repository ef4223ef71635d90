/**
 * GELU, tanh approximation (GPT-2's gelu_new): y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³).
 * dy/dx = ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²).
 * On WebGPU forward and backward are one elementwise kernel each (the stock composition is
 * ≈ 8 kernels forward and ≈ 15 backward); elsewhere the stock composition runs.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernelsActive, runFlat } from './program';

export const GELU_KERNEL = 'DpoGelu';
export const GELU_GRAD_KERNEL = 'DpoGeluGrad';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Stock tfjs GELU (tanh approximation), the composition the model always used. */
export function geluStock<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const inner = tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.mul(x, tf.square(x)))));
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner))) as T;
  });
}

// tanh through exp of a clamped argument: |u| ≥ 15 is ±1 in f32, and WGSL's tanh may
// overflow to NaN for large |u| on some drivers.
const TANH_U = `
  let x = X[index];
  let u = clamp(${SQRT_2_OVER_PI} * (x + 0.044715 * x * x * x), -15.0, 15.0);
  let e = exp(2.0 * u);
  let th = (e - 1.0) / (e + 1.0);`;

const FORWARD_BODY = `
  if (index < uniforms.xShape) {
    ${TANH_U}
    result[index] = 0.5 * x * (1.0 + th);
  }`;

const BACKWARD_BODY = `
  if (index < uniforms.xShape) {
    ${TANH_U}
    let du = ${SQRT_2_OVER_PI} * (1.0 + 3.0 * 0.044715 * x * x);
    result[index] = Dy[index] * (0.5 * (1.0 + th) + 0.5 * x * (1.0 - th * th) * du);
  }`;

let registered = false;

/** Registers the forward and backward WebGPU kernels (idempotent). Inputs are flat [n]. */
function registerGeluKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: GELU_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      const n = x.shape[0] ?? 0;
      return runFlat(backend, 'dpo_gelu', ['X'], [x], [n], n, FORWARD_BODY);
    },
  });
  tf.registerKernel({
    kernelName: GELU_GRAD_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const n = x.shape[0] ?? 0;
      return runFlat(backend, 'dpo_gelu_grad', ['X', 'Dy'], [x, dy], [n], n, BACKWARD_BODY);
    },
  });
}

function fused<T extends tf.Tensor>(x: T): T {
  registerGeluKernels();
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    // Flat views: one pipeline for every shape, and the kernel's bound is its length.
    const flat = tf.reshape(input, [-1]);
    save([flat]);
    const y = tf.engine().runKernel(GELU_KERNEL, { x: flat }) as tf.Tensor;
    return {
      value: tf.reshape(y, input.shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs] = saved as [tf.Tensor];
        const dx = tf.engine().runKernel(GELU_GRAD_KERNEL, {
          x: xs,
          dy: tf.reshape(dy, [-1]),
        }) as tf.Tensor;
        return tf.reshape(dx, input.shape);
      },
    };
  });
  return op(x) as T;
}

/** GELU (tanh approximation) of any float32 tensor: fused on WebGPU and WASM, stock elsewhere. */
export function gelu<T extends tf.Tensor>(x: T): T {
  return fusedKernelsActive(GELU_KERNEL) ? fused(x) : geluStock(x);
}
