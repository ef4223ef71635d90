/**
 * log-softmax(logits)[target] per row without materialising a one-hot or the [M, V]
 * log-softmax: logp[m] = logits[m, t_m] − logsumexp(logits[m, :]).
 * Gradient: dlogits[m, v] = dy[m] · (1[v = t_m] − softmax(logits[m, :])[v]).
 * On WebGPU both directions are single fused kernels; elsewhere the stock composition runs.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernelsActive, runFlat } from './program';

export const TARGET_LOGP_KERNEL = 'DpoTargetLogProb';
export const TARGET_LOGP_GRAD_KERNEL = 'DpoTargetLogProbGrad';

/** Stock tfjs: Σ_v logits · onehot(t) − logSumExp. logits [M, V], targets [M] int32 → [M]. */
export function targetLogProbsStock(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const V = logits.shape[1];
    const picked = tf.sum(tf.mul(logits, tf.oneHot(targets.toInt(), V)), -1); // [M]
    return tf.sub(picked, tf.logSumExp(logits, -1)) as tf.Tensor1D;
  });
}

// Forward: one invocation per row; result [M, 2] = (logp, logsumexp), the latter kept for
// the backward pass. Max first, so logits of ±80 (or more) neither overflow nor underflow.
const FORWARD_BODY = `
  let M = uniforms.logitsShape[0];
  let V = uniforms.logitsShape[1];
  if (index < M) {
    let base = index * V;
    var mx = Logits[base];
    for (var v = 1; v < V; v++) { mx = max(mx, Logits[base + v]); }
    var s = 0.0;
    for (var v = 0; v < V; v++) { s += exp(Logits[base + v] - mx); }
    let lse = mx + log(s);
    let t = Targets[index];
    result[index * 2] = Logits[base + t] - lse;
    result[index * 2 + 1] = lse;
  }`;

// Backward: one invocation per logit. Inputs Logits [M, V], Stats [M, 2], Targets [M], Dy [M].
const BACKWARD_BODY = `
  let M = uniforms.logitsShape[0];
  let V = uniforms.logitsShape[1];
  if (index < M * V) {
    let m = index / V;
    let v = index - m * V;
    let p = exp(Logits[index] - Stats[m * 2 + 1]);
    var hit = 0.0;
    if (Targets[m] == v) { hit = 1.0; }
    result[index] = Dy[m] * (hit - p);
  }`;

let registered = false;

/** Registers the two WebGPU kernels (idempotent; harmless where WebGPU is absent). */
function registerTargetLogProbKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: TARGET_LOGP_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { logits, targets } = inputs as { logits: tf.TensorInfo; targets: tf.TensorInfo };
      const M = logits.shape[0] ?? 0;
      return runFlat(
        backend,
        'dpo_target_logp',
        ['Logits', 'Targets'],
        [logits, targets],
        [M, 2],
        M,
        FORWARD_BODY,
      );
    },
  });
  tf.registerKernel({
    kernelName: TARGET_LOGP_GRAD_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { logits, stats, targets, dy } = inputs as Record<string, tf.TensorInfo>;
      if (!logits || !stats || !targets || !dy) throw new Error('missing input');
      const [M = 0, V = 0] = logits.shape;
      return runFlat(
        backend,
        'dpo_target_logp_grad',
        ['Logits', 'Stats', 'Targets', 'Dy'],
        [logits, stats, targets, dy],
        [M, V],
        M * V,
        BACKWARD_BODY,
      );
    },
  });
}

function fused(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  registerTargetLogProbKernels();
  if (targets.dtype !== 'int32') throw new Error('targetLogProbs needs int32 targets');
  // Targets are an input (and saved) rather than captured: the caller's tidy may free them
  // before the backward pass runs.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, t, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const stats = tf.engine().runKernel(TARGET_LOGP_KERNEL, { logits: x, targets: t }) as tf.Tensor;
    save([x, stats, t]);
    return {
      value: tf.reshape(tf.slice(stats, [0, 0], [-1, 1]), [-1]), // [M]
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, st, ts] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const dx = tf.engine().runKernel(TARGET_LOGP_GRAD_KERNEL, {
          logits: xs,
          stats: st,
          targets: ts,
          dy,
        }) as tf.Tensor;
        return [dx, tf.zeros(ts.shape)]; // targets are indices: no gradient
      },
    };
  });
  return op(logits, targets) as tf.Tensor1D;
}

/**
 * log p(target) per row: logits [M, V] float32, targets [M] int32 in [0, V) → [M].
 * Differentiable in logits. Fused on WebGPU and WASM, the stock composition elsewhere.
 */
export function targetLogProbs(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  if (!fusedKernelsActive(TARGET_LOGP_KERNEL)) return targetLogProbsStock(logits, targets);
  return fused(logits, targets);
}
