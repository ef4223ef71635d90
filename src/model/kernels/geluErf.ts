/**
 * Exact GELU (transformers' activation_function "gelu", torch's default GELU):
 *   y = x·Φ(x) = ½x(1 + erf(x/√2)),   dy/dx = Φ(x) + x·φ(x),   φ(x) = e^(−x²/2)/√(2π).
 * Stock: tf.erf, whose kernel every backend registers (cpu, webgl, wasm, webgpu) and whose
 * gradient (2/√π)·e^(−x²) is composed from exp and mul in tfjs-core, so autograd works
 * everywhere. WebGPU: one elementwise kernel each way, erf by the same Abramowitz–Stegun
 * 7.1.26 formula tfjs's Erf kernels use (|error| ≤ 1.5e-7).
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernelsActive, runFlat } from './program';

const GELU_ERF_KERNEL = 'DpoGeluErf';
const GELU_ERF_GRAD_KERNEL = 'DpoGeluErfGrad';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** ½x(1 + erf(x/√2)) from stock ops; tfjs differentiates it. */
export function geluErfStock<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(x, SQRT1_2)))) as T);
}

// erf(z), A&S 7.1.26 with tfjs's constants (backend_util.ERF_*): 1 − poly(t)·e^(−z²).
const { ERF_P, ERF_A1, ERF_A2, ERF_A3, ERF_A4, ERF_A5 } = tf.backend_util;
const PHI = `
  let x = X[index];
  let z = abs(x) * ${SQRT1_2};
  let t = 1.0 / (1.0 + ${ERF_P} * z);
  let poly = ((((${ERF_A5} * t + ${ERF_A4}) * t + ${ERF_A3}) * t + ${ERF_A2}) * t + ${ERF_A1}) * t;
  let erfz = sign(x) * (1.0 - poly * exp(-z * z));
  let cdf = 0.5 * (1.0 + erfz);`;

const FORWARD_BODY = `
  if (index < uniforms.xShape) {
    ${PHI}
    result[index] = x * cdf;
  }`;

const BACKWARD_BODY = `
  if (index < uniforms.xShape) {
    ${PHI}
    let pdf = ${INV_SQRT_2PI} * exp(-0.5 * x * x);
    result[index] = Dy[index] * (cdf + x * pdf);
  }`;

let registered = false;

/** Registers the forward and backward WebGPU kernels (idempotent). Inputs are flat [n]. */
function registerGeluErfKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: GELU_ERF_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      const n = x.shape[0] ?? 0;
      return runFlat(backend, 'dpo_gelu_erf', ['X'], [x], [n], n, FORWARD_BODY);
    },
  });
  tf.registerKernel({
    kernelName: GELU_ERF_GRAD_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const n = x.shape[0] ?? 0;
      return runFlat(backend, 'dpo_gelu_erf_grad', ['X', 'Dy'], [x, dy], [n], n, BACKWARD_BODY);
    },
  });
}

function fused<T extends tf.Tensor>(x: T): T {
  registerGeluErfKernels();
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const flat = tf.reshape(input, [-1]);
    save([flat]);
    const y = tf.engine().runKernel(GELU_ERF_KERNEL, { x: flat }) as tf.Tensor;
    return {
      value: tf.reshape(y, input.shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs] = saved as [tf.Tensor];
        const dx = tf.engine().runKernel(GELU_ERF_GRAD_KERNEL, {
          x: xs,
          dy: tf.reshape(dy, [-1]),
        }) as tf.Tensor;
        return tf.reshape(dx, input.shape);
      },
    };
  });
  return op(x) as T;
}

/** Exact GELU of any float32 tensor: a fused kernel on WebGPU, stock ops elsewhere. */
export function geluErf<T extends tf.Tensor>(x: T): T {
  return fusedKernelsActive() && tf.getBackend() === 'webgpu' ? fused(x) : geluErfStock(x);
}
