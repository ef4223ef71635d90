/**
 * The worker's training session: the loaded SFT model, the current DPO run, and the
 * play/pause/step loop. Metrics are batched and flushed a few times a second.
 */
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../model/checkpoint';
import { parameterCount } from '../model/config';
import type { GPT } from '../model/gpt';
import { DpoRun, type DpoRunSettings } from '../pipeline/dpoRun';
import { SftRun, type SftSettings } from '../pipeline/sftRun';
import { builtinPrompts, builtinTask } from '../task/builtin';
import { groundTruthReward } from '../task/reward';
import { BpeTokenizer } from '../tokenizer/bpe';
import type { RunState, WorkerEvent } from './protocol';
import type { MetricPoint } from './views';

const FLUSH_MS = 250;

export class RunController {
  private sft: GPT | null = null;
  private tokenizer: BpeTokenizer | null = null;
  private run: DpoRun | null = null;
  private state: RunState = 'empty';
  private pending: MetricPoint[] = [];
  private lastFlush = 0;
  private looping = false;
  private sftStopRequested = false;

  constructor(private readonly post: (e: WorkerEvent) => void) {}

  async loadCheckpoint(url: string): Promise<void> {
    this.setState('loading-checkpoint');
    const res = await fetch(url);
    if (!res.ok) throw new Error(`could not load the checkpoint ${url}: HTTP ${res.status}`);
    const { model, checkpoint } = loadCheckpoint(await res.json(), false);
    this.adoptSft(model, BpeTokenizer.fromJSON(checkpoint.tokenizer), url, checkpoint.meta);
  }

  /**
   * Trains a tokenizer and a GPT on the built-in corpus; the result replaces the SFT model
   * (π_ref of later runs), also when stopped early. Metrics stream with phase 'sft'.
   */
  async trainSft(settings: SftSettings): Promise<void> {
    if (this.state === 'training' || this.state === 'sft' || this.looping) {
      throw new Error('pause or reset the current run before training a new SFT model');
    }
    this.reset();
    this.setState('sft');
    this.sftStopRequested = false;
    const t0 = performance.now();
    const { train, heldOut } = builtinTask();
    const post = (e: WorkerEvent) => this.post(e);
    let run: SftRun | null = null;
    try {
      run = SftRun.create(
        train.map((r) => r.text),
        heldOut.map((r) => r.text),
        settings,
        {
          onProgress: (stage, done, total) => post({ type: 'progress', stage, done, total }),
          onMetrics: (p) => this.queue(p),
        },
      );
      while (!run.done && !this.sftStopRequested) {
        await run.trainStep();
        if (performance.now() - this.lastFlush > FLUSH_MS) this.flush();
        await new Promise((r) => setTimeout(r, 0));
      }
      this.flush();
      const heldOutLoss = await run.heldOutLoss(10);
      const meta = {
        trainedBy: 'SFT in the browser',
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
      const model = run.release();
      run = null; // the model now belongs to the controller
      this.adoptSft(model, tokenizer, 'browser-sft', meta);
    } finally {
      run?.dispose();
      if ((this.state as RunState) === 'sft') this.setState('empty');
    }
  }

  stopSft(): void {
    this.sftStopRequested = true;
  }

  private adoptSft(
    model: GPT,
    tokenizer: BpeTokenizer,
    url: string,
    meta: Record<string, string | number>,
  ): void {
    this.reset();
    if (this.sft !== model) this.sft?.dispose();
    this.sft = model;
    this.tokenizer = tokenizer;
    const c = model.config;
    this.post({
      type: 'checkpoint',
      url,
      preset: String(meta.preset ?? ''),
      parameters: parameterCount(c),
      vocabSize: c.vocabSize,
      blockSize: c.blockSize,
      meta,
    });
    this.setState('empty');
  }

  async prepare(settings: DpoRunSettings): Promise<void> {
    const sft = this.sft;
    const tokenizer = this.tokenizer;
    if (!sft || !tokenizer) throw new Error('load a checkpoint first');
    this.reset();
    this.setState('preparing');
    const { heldOut } = builtinTask();
    const task = {
      tokenizer,
      trainPrompts: builtinPrompts(heldOut, settings.data.prompts, 0),
      evalPrompts: builtinPrompts(heldOut, settings.eval.prompts, settings.data.prompts),
      reward: groundTruthReward,
    };
    try {
      this.run = await DpoRun.prepare(sft, task, settings, {
        onProgress: (stage, done, total) => this.post({ type: 'progress', stage, done, total }),
        onPairs: (preview, total) => this.post({ type: 'pairs', preview, total }),
        onMetrics: (p) => this.queue(p),
        onSamples: (samples) => this.post({ type: 'samples', samples }),
        onInspector: (pairs) => this.post({ type: 'inspector', pairs }),
      });
    } catch (e) {
      this.setState('empty');
      throw e;
    }
    this.flush();
    this.setState('ready');
  }

  start(): void {
    if (!this.run || this.run.done) return;
    this.setState('training');
    if (!this.looping) void this.loop();
  }

  pause(): void {
    if (this.state === 'training') this.setState('paused');
  }

  async stepOnce(): Promise<void> {
    const run = this.run;
    if (!run || run.done || this.state === 'training' || this.looping) return;
    await run.trainStep();
    this.flush();
    this.setState(run.done ? 'done' : 'paused');
  }

  update(patch: { beta?: number; lr?: number; steps?: number }): void {
    this.run?.update(patch);
    this.setState(this.state);
  }

  reset(): void {
    if (this.state === 'sft') {
      this.sftStopRequested = true;
      return;
    }
    this.run?.dispose();
    this.run = null;
    this.pending = [];
    if (this.sft) this.setState('empty');
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (this.state === 'training' && this.run && !this.run.done) {
        await this.run.trainStep();
        if (performance.now() - this.lastFlush > FLUSH_MS) this.flush();
        // Let pause / update / reset messages in between steps.
        await new Promise((r) => setTimeout(r, 0));
      }
      this.flush();
      if (this.run?.done) this.setState('done');
    } finally {
      this.looping = false;
    }
  }

  private queue(p: MetricPoint): void {
    this.pending.push(p);
  }

  private flush(): void {
    this.lastFlush = performance.now();
    if (this.pending.length === 0) return;
    this.post({ type: 'metrics', points: this.pending });
    this.pending = [];
  }

  private setState(state: RunState): void {
    this.state = state;
    this.post({
      type: 'run-state',
      state,
      step: this.run?.step ?? 0,
      steps: this.run?.config.steps ?? 0,
    });
  }

  /** Live tensors, for leak checks. */
  get tensors(): number {
    return tf.memory().numTensors;
  }
}
