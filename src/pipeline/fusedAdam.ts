/**
 * tf.train.adam with, on the WASM backend, every variable's update in one JS kernel
 * (kernels/wasmOptim.ts) instead of ≈ 14 kernels per variable. The optimiser state is the
 * stock one (moments as variables named `<var>/m`, `<var>/v`; accBeta1/2), so getWeights and
 * setWeights, checkpoints and resumes are unchanged; elsewhere the stock update runs.
 */
import * as tf from '@tensorflow/tfjs';
import { wasmKernelActive } from '../model/kernels/program';
import { ADAM_KERNEL, type AdamAttrs } from '../model/kernels/wasmOptim';

type KernelAttrs = Parameters<ReturnType<typeof tf.engine>['runKernel']>[2];

/** AdamOptimizer's private state, as tfjs-core 4.22 lays it out. */
type AdamState = {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
};

export class FusedAdam extends tf.AdamOptimizer {
  /** Same defaults as tf.train.adam(lr): β1 0.9, β2 0.999, ε the backend's epsilon. */
  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.999);
  }

  override applyGradients(
    variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0],
  ): void {
    if (Array.isArray(variableGradients) || !wasmKernelActive(ADAM_KERNEL)) {
      super.applyGradients(variableGradients);
      return;
    }
    const s = this as unknown as AdamState;
    const names = Object.keys(variableGradients);
    const inputs: tf.NamedTensorMap = {};
    const targets: [tf.Variable, tf.Variable, tf.Variable][] = [];
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name];
      if (!value) throw new Error(`no variable ${name}`);
      // Moments created on first use, as the stock optimiser does (same names, same order).
      s.accumulatedFirstMoment[i] ??= {
        originalName: `${name}/m`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      s.accumulatedSecondMoment[i] ??= {
        originalName: `${name}/v`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      const gradient = variableGradients[name];
      if (gradient == null) return; // no gradient: left alone, as the stock optimiser does
      const m = s.accumulatedFirstMoment[i].variable;
      const v = s.accumulatedSecondMoment[i].variable;
      inputs[`p${targets.length}`] = value;
      inputs[`g${targets.length}`] = gradient;
      inputs[`m${targets.length}`] = m;
      inputs[`v${targets.length}`] = v;
      targets.push([value, m, v]);
    });
    // accBeta = β^t: read on the CPU (a heap read on WASM, no device sync).
    const acc1 = s.accBeta1.dataSync()[0] ?? 0;
    const acc2 = s.accBeta2.dataSync()[0] ?? 0;
    const attrs: AdamAttrs = {
      n: targets.length,
      lr: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      c1: 1 - acc1,
      c2: 1 - acc2,
    };
    const outs = tf
      .engine()
      .runKernel(ADAM_KERNEL, inputs, attrs as unknown as KernelAttrs) as tf.Tensor[];
    targets.forEach((vars, k) => {
      vars.forEach((variable, j) => {
        const t = outs[3 * k + j] as tf.Tensor;
        variable.assign(t);
        t.dispose();
      });
    });
    tf.tidy(() => {
      s.accBeta1.assign(tf.mul(s.accBeta1, this.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}
