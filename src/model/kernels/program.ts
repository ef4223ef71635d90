/**
 * A minimal WebGPU program for tfjs-backend-webgpu's `runWebGPUProgram`: one invocation per
 * output element (or per output row), no workgroup memory and no barriers. Barrier-based
 * reductions are what SwiftShader runs worst (a 2048-row sum: ≈ 380 ms stock, ≈ 30 ms here),
 * and on a real GPU these small-row kernels are memory-bound either way.
 * Declared structurally so this module needs no import of the backend package.
 */
import * as tf from '@tensorflow/tfjs';

const WORKGROUP = 64;

/** The parts of tfjs-backend-webgpu's WebGPUProgram that runWebGPUProgram reads. */
type FlatProgram = {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  getUserCode: () => string;
};

/** The one WebGPUBackend method the kernels call. */
type WebGPUBackendLike = {
  runWebGPUProgram(
    program: FlatProgram,
    inputs: tf.TensorInfo[],
    outputDtype: tf.DataType,
  ): tf.TensorInfo;
};

/**
 * Runs `body` (WGSL statements, given `index`) once per index in [0, invocations); the body
 * must guard `index` against a bound read from the uniforms, so that one compiled pipeline
 * serves every shape of the same rank. Inputs are bound as arrays named by `names` (float →
 * array<f32>, int32 → array<i32>), the output as `result`; `uniforms.<name>Shape` holds each
 * input's shape (name lower-cased first: `Logits` → uniforms.logitsShape).
 */
export function runFlat(
  backend: object,
  key: string,
  names: string[],
  inputs: tf.TensorInfo[],
  outputShape: number[],
  invocations: number,
  body: string,
): tf.TensorInfo {
  const groups = Math.ceil(invocations / WORKGROUP);
  const program: FlatProgram = {
    variableNames: names,
    outputShape,
    shaderKey: key,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [groups, 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    size: false,
    getUserCode: () => `
      fn main(index : i32) {
        ${body}
      }`,
  };
  return (backend as unknown as WebGPUBackendLike).runWebGPUProgram(program, inputs, 'float32');
}

/**
 * Whether a fused kernel runs: on tfjs-backend-webgpu always; on tfjs-backend-wasm when
 * `kernel` has a JS implementation registered there (kernels/wasm.ts, prepareWasm).
 */
export function fusedKernelsActive(kernel?: string): boolean {
  if (tf.getBackend() === 'webgpu') return true;
  return kernel !== undefined && wasmKernelActive(kernel);
}

/** Whether a WASM-only JS kernel runs: the WASM backend, with `kernel` registered there. */
export function wasmKernelActive(kernel: string): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(kernel, 'wasm') !== undefined;
}
