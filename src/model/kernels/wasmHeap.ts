/** The WASM backend's heap, as the JS kernels (wasm.ts, wasmOptim.ts) read and write it. */
import type * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;

/** The parts of tfjs-backend-wasm's BackendWasm that the JS kernels use. */
export type WasmBackendLike = {
  disposeData(dataId: object): void;
  /** Allocates on the WASM heap (which may grow: take heap views after allocating). */
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  /** A view of a tensor's bytes on the heap (no copy). */
  typedArrayFromHeap(t: Info): Float32Array | Int32Array | Uint8Array;
};

/** Float32 view of a tensor on the WASM heap. */
export function f32(backend: WasmBackendLike, t: Info): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}
