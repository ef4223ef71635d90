/**
 * Embedding lookup on the WASM backend as two JS kernels: forward out[n, :] = table[ids[n], :]
 * (a zero row for an id outside [0, R), as one-hot gives: sampling pads positions with −1),
 * gradient dTable[r, :] = Σ_{n: ids[n] = r} dy[n, :]. The model's stock lookup is
 * one-hot · table (gpt.ts `embed`), because tf.gather's gradient (UnsortedSegmentSum) is slow
 * on the CPU backend and missing on WASM; on WASM the one-hot costs 2·(B·T)·V·C FLOPs each
 * way, ≈ 30 % of micro's step. Same values: a one-hot row times the table is that row.
 */
import * as tf from '@tensorflow/tfjs';
import { f32, type WasmBackendLike } from './wasmHeap';

export const EMBEDDING_KERNEL = 'DpoEmbedding';
export const EMBEDDING_GRAD_KERNEL = 'DpoEmbeddingGrad';

type Info = tf.TensorInfo;
type KernelAttrs = Parameters<ReturnType<typeof tf.engine>['runKernel']>[2];

/**
 * Registers both kernels for 'wasm' (idempotent). Forward: table [R, C], ids [N] int32 →
 * [N, C]; gradient: ids [N], dy [N, C], attr rows R → [R, C].
 */
export function registerEmbeddingKernels(): void {
  if (tf.getKernel(EMBEDDING_GRAD_KERNEL, 'wasm')) return;
  tf.registerKernel({
    kernelName: EMBEDDING_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const be = backend as unknown as WasmBackendLike;
      const { table, ids } = inputs as { table?: Info; ids?: Info };
      if (!table || !ids) throw new Error(`${EMBEDDING_KERNEL}: missing input`);
      const [R = 0, C = 0] = table.shape;
      const N = ids.shape[0] ?? 0;
      const out = be.makeOutput([N, C], 'float32');
      const [W, O] = [f32(be, table), f32(be, out)];
      const I = be.typedArrayFromHeap(ids) as Int32Array;
      for (let n = 0; n < N; n++) {
        const r = I[n] as number;
        if (r >= 0 && r < R) O.set(W.subarray(r * C, r * C + C), n * C);
        else O.fill(0, n * C, n * C + C);
      }
      return out;
    },
  });
  tf.registerKernel({
    kernelName: EMBEDDING_GRAD_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const be = backend as unknown as WasmBackendLike;
      const { ids, dy } = inputs as { ids?: Info; dy?: Info };
      if (!ids || !dy) throw new Error(`${EMBEDDING_GRAD_KERNEL}: missing input`);
      const R = (attrs as { rows: number }).rows;
      const [N = 0, C = 0] = dy.shape;
      const out = be.makeOutput([R, C], 'float32');
      const [D, O] = [f32(be, dy), f32(be, out)];
      const I = be.typedArrayFromHeap(ids) as Int32Array;
      O.fill(0);
      for (let n = 0; n < N; n++) {
        const r = I[n] as number;
        if (r < 0 || r >= R) continue; // as one-hot: an out-of-range id selects no row
        const [o, d] = [r * C, n * C];
        for (let c = 0; c < C; c++) O[o + c] = (O[o + c] as number) + (D[d + c] as number);
      }
      return out;
    },
  });
}

/** Whether embedFused can run: the WASM backend with the kernel registered. */
export function embeddingFusedActive(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(EMBEDDING_GRAD_KERNEL, 'wasm') !== undefined;
}

/** table [R, C], ids [B, T] → [B, T, C]; differentiable in the table. */
export function embedFused(table: tf.Tensor2D, ids: tf.Tensor2D): tf.Tensor3D {
  const [B, T] = ids.shape;
  const [R = 0, C = 0] = table.shape;
  const flatIds = tf.reshape(ids.toInt(), [B * T]);
  // ids are an input (and saved), not captured: the caller's tidy may free them first.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [w, i, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([i]);
    return {
      value: tf.reshape(
        tf.engine().runKernel(EMBEDDING_KERNEL, { table: w, ids: i }) as tf.Tensor,
        [B, T, C],
      ),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [si] = saved as [tf.Tensor];
        const attrs = { rows: R } as unknown as KernelAttrs;
        const dw = tf
          .engine()
          .runKernel(EMBEDDING_GRAD_KERNEL, { ids: si, dy: tf.reshape(dy, [B * T, C]) }, attrs);
        return [dw as tf.Tensor, tf.zeros(si.shape)];
      },
    };
  });
  return op(table, flatIds) as tf.Tensor3D;
}
