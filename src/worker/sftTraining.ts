/** SFT in the worker: trains a tokenizer and a GPT on a corpus, step by step, until done or stopped. */
import * as tf from '@tensorflow/tfjs';
import { SftRun, type SftSettings } from '../pipeline/sftRun';
import type { MetricPoint } from '../pipeline/views';
import type { ProgressStage } from './protocol';
import type { SftModel } from './sftModel';

export interface SftTrainingIo {
  onProgress(stage: ProgressStage, done: number, total: number): void;
  onMetrics(p: MetricPoint): void;
  /** Called between steps (the caller flushes metrics on its own schedule). */
  afterStep(): void;
  shouldStop(): boolean;
}

/** The trained model (also when stopped early), not yet stored: source null. */
export async function trainSftModel(
  docs: { train: string[]; heldOut: string[] },
  corpusName: string,
  settings: SftSettings,
  io: SftTrainingIo,
): Promise<SftModel> {
  const t0 = performance.now();
  const run = SftRun.create(docs.train, docs.heldOut, settings, {
    onProgress: io.onProgress,
    onMetrics: io.onMetrics,
  });
  try {
    while (!run.done && !io.shouldStop()) {
      await run.trainStep();
      io.afterStep();
      await new Promise((r) => setTimeout(r, 0));
    }
    const heldOutLoss = await run.heldOutLoss(10);
    const meta = {
      trainedBy: 'SFT in the browser',
      label: 'browser-sft',
      corpus: corpusName,
      preset: settings.preset,
      steps: run.step,
      batch: settings.batchSize,
      lr: settings.lr,
      seed: settings.seed,
      backend: tf.getBackend(),
      finalTrainLoss: Number(run.lastLoss.toFixed(4)),
      heldOutLoss: Number(heldOutLoss.toFixed(4)),
      seconds: Math.round((performance.now() - t0) / 1000),
    };
    const { tokenizer } = run;
    // release() frees the optimizer and hands the model to the caller.
    const model = run.release();
    return { model, tokenizer, source: null, label: 'browser-sft', meta };
  } catch (e) {
    run.dispose();
    throw e;
  }
}
