/**
 * Stage (1) of the paper's pipeline: supervised fine-tuning (here: training from scratch) of a
 * small GPT on review text. A tokenizer is learned from the corpus, then next-token NLL on
 * random windows with linear warm-up and cosine decay. The same code runs in Node
 * (`npm run pretrain`) and in the worker (SFT in the browser).
 */
import * as tf from '@tensorflow/tfjs';
import { makeConfig } from '../model/config';
import { GPT } from '../model/gpt';
import { BpeTokenizer } from '../tokenizer/bpe';
import type { SftSettings } from './settings';
import { tokenStream, windowSampler } from './sftData';
import { sftObjective } from './sftStep';
import { type BatchTensors, batchTensors, type CausalLM, disposeBatch } from './train/tensors';
import { Trainer } from './train/trainer';
import type { MetricPoint } from './views';

export { PRETRAIN_SETTINGS, type SftSettings } from './settings';

export interface SftCallbacks {
  onProgress?(stage: 'tokenizer' | 'training', done: number, total: number): void;
  onMetrics?(point: MetricPoint): void;
}

/** Warm-up then cosine to 10 % of the peak; step counts from 0. */
export function sftLearningRate(
  step: number,
  s: Pick<SftSettings, 'lr' | 'steps' | 'warmupSteps'>,
) {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps;
  const p = (step - s.warmupSteps) / Math.max(1, s.steps - s.warmupSteps);
  return s.lr * (0.1 + 0.45 * (1 + Math.cos(Math.PI * Math.min(1, p))));
}

/** Next-token NLL on seeded random windows of a token stream, on the template trainer. */
export class SftTrainer extends Trainer<BatchTensors> {
  private next: () => ReturnType<ReturnType<typeof windowSampler>>;

  constructor(
    private readonly model: CausalLM,
    private readonly stream: Int32Array,
    private readonly settings: SftSettings,
  ) {
    const { lr, warmupSteps, maxGradNorm, batchSize, seed } = settings;
    // The windows are SFT's own draws, not an epoch order over items.
    super({ kind: 'adam', lr, warmupSteps, maxGradNorm }, batchSize, seed, { items: null });
    this.next = this.windows();
  }

  private windows() {
    const s = this.settings;
    return windowSampler(this.stream, s.batchSize, s.blockSize, s.seed);
  }

  protected trainedVariables() {
    return this.model.variables();
  }

  protected prepare(): BatchTensors {
    return batchTensors(this.next());
  }

  protected *losses(t: BatchTensors) {
    yield sftObjective(this.model, t);
  }

  protected override release(t: BatchTensors): void {
    disposeBatch(t);
  }

  protected override learningRate(update: number): number {
    return sftLearningRate(update, this.settings);
  }

  protected override replayDraws(): void {
    this.next();
  }

  protected override resetDraws(): void {
    this.next = this.windows();
  }

  protected report(values: number[], _t: BatchTensors, lr: number): Record<string, number> {
    const [loss = Number.NaN, grad_norm = Number.NaN] = values;
    return { loss, grad_norm, learning_rate: lr };
  }
}

export class SftRun {
  lastLoss = Number.NaN;
  private readonly trainer: SftTrainer;

  private constructor(
    readonly model: GPT,
    readonly tokenizer: BpeTokenizer,
    readonly settings: SftSettings,
    private readonly heldOut: Int32Array,
    stream: Int32Array,
    private readonly cb: SftCallbacks,
  ) {
    this.trainer = new SftTrainer(model, stream, settings);
  }

  /** Learns the tokenizer on `train`, encodes both splits, creates the model (seeded). */
  static create(
    train: string[],
    heldOut: string[],
    settings: SftSettings,
    cb: SftCallbacks = {},
  ): SftRun {
    const total = settings.vocabSize - 257;
    const tokenizer = BpeTokenizer.train(
      train.map((t) => `${t}\n`),
      settings.vocabSize,
      { onProgress: (d) => d % 64 === 0 && cb.onProgress?.('tokenizer', d, total) },
    );
    cb.onProgress?.('tokenizer', total, total);
    const config = makeConfig({
      preset: settings.preset,
      vocabSize: tokenizer.vocabSize,
      blockSize: settings.blockSize,
    });
    const encode = (docs: string[]) =>
      tokenStream(
        docs.map((d) => tokenizer.encode(d)),
        tokenizer.eot,
      );
    const model = GPT.create(config, settings.seed);
    return new SftRun(model, tokenizer, settings, encode(heldOut), encode(train), cb);
  }

  get step(): number {
    return this.trainer.step;
  }

  get done(): boolean {
    return this.step >= this.settings.steps;
  }

  /** One update; reads the loss back (and reports it) on log steps and the last step. */
  async trainStep(): Promise<void> {
    const s = this.settings;
    const next = this.step + 1;
    const log = next % s.logEvery === 0 || next >= s.steps || next === 1;
    const m = await this.trainer.trainStep(log);
    if (m) {
      this.lastLoss = m.loss ?? Number.NaN;
      this.cb.onMetrics?.({ step: this.step, phase: 'sft', ...m });
    }
    this.cb.onProgress?.('training', this.step, s.steps);
  }

  /** Mean next-token NLL (nats) over `batches` seeded windows of the held-out reviews. */
  async heldOutLoss(batches = 20): Promise<number> {
    const { batchSize: B, blockSize: T, seed } = this.settings;
    const V = this.model.config.vocabSize;
    const held = windowSampler(this.heldOut, B, T, seed + 1);
    let sum = 0;
    for (let i = 0; i < batches; i++) {
      const t = batchTensors(held());
      const l = tf.tidy(() => {
        const logits = this.model.forward(t.ids);
        return tf.losses.softmaxCrossEntropy(
          tf.oneHot(tf.slice(t.ids, [0, 1], [B, T - 1]), V),
          tf.slice(logits, [0, 0, 0], [B, T - 1, V]),
        );
      });
      sum += (await l.data())[0] ?? Number.NaN;
      tf.dispose([l, t.ids, t.attentionMask, t.completionMask]);
    }
    return sum / batches;
  }

  /** Ends training: frees the optimizer state and hands the model to the caller. */
  release(): GPT {
    this.trainer.dispose();
    return this.model;
  }

  dispose(): void {
    this.release().dispose();
  }
}
