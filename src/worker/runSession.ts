/**
 * The current DPO run: prepare or resume it, play / pause / step it, checkpoint it into
 * IndexedDB, and roll it back to its last good checkpoint when a step goes non-finite. Its
 * lifecycle is the state machine of runState.ts; every change is posted as a 'run-state'.
 */
import { ALGORITHMS } from '../pipeline/algorithms/registry';
import {
  DpoRun,
  type DpoRunCallbacks,
  type DpoRunSettings,
  NonFiniteError,
  type PreferenceData,
  type RunSnapshot,
} from '../pipeline/dpoRun';
import type { ExperimentOptions } from '../pipeline/experiments/experiments';
import { applyExperimentOptions } from '../pipeline/experiments/runExperiment';
import { MetricBatch } from './metricBatch';
import type { ReferenceSource, RunRecorder } from './persistence';
import type { PostEvent, WorkerRequest } from './protocol';
import { nonFiniteMessage } from './recovery';
import type { RunList } from './runList';
import { type RunEvent, type RunState, transition } from './runState';
import { loadReference } from './sftModel';
import type { Workspace } from './workspace';

/** Steps between saved checkpoints of π_θ (also saved on pause and at the end). */
const CHECKPOINT_EVERY = 20;
const BUSY = 'pause or reset the current run first';
const BUILTIN_DATA = 'built-in: sampled from π_ref, labelled by the sentiment reward';

export interface RunSessionDeps {
  post: PostEvent;
  recorder: RunRecorder | null;
  workspace: Workspace;
  runs: RunList;
  /** True when a lost GPU device explains a failed step (its recovery reports it). */
  lostDeviceExplains: (e: unknown) => Promise<boolean>;
  /** After each training step (the labelling mode measures agreement on evaluation steps). */
  afterStep?: (run: DpoRun) => Promise<void>;
}

/** Preference data given by the caller (the labelling mode), and a π_θ to go on from. */
export interface GivenData {
  data: PreferenceData;
  name: string;
  resume?: RunSnapshot;
}

export class RunSession {
  private current: RunState = 'empty';
  private run: DpoRun | null = null;
  private runId: string | null = null;
  /** The last checkpoint (finite by construction), on the CPU: what a fault rolls back to. */
  private lastGood: RunSnapshot | null = null;
  /** The training loop or single step in flight; resolved when none is. */
  private inFlight: Promise<void> = Promise.resolve();
  /** Metric points of the run (and of an SFT), batched to the UI and storage. */
  readonly metrics: MetricBatch;

  constructor(private readonly d: RunSessionDeps) {
    this.metrics = new MetricBatch((points) => {
      if (this.runId) this.d.recorder?.metrics(this.runId, points);
      this.d.post({ type: 'metrics', points });
    });
  }

  get state(): RunState {
    return this.current;
  }

  /** The run's π_θ and pairs, for exports and log-prob checks; null without a run. */
  get policyRun(): DpoRun | null {
    return this.run;
  }

  get currentRunId(): string | null {
    return this.runId;
  }

  /** Applies `e` and posts the new state; false (nothing changes) when `e` is refused. */
  go(e: RunEvent): boolean {
    const next = transition(this.current, e);
    if (!next) return false;
    this.current = next;
    this.publish();
    return true;
  }

  /** Posts the state again (β or lr changed). */
  publish(): void {
    const run = this.run;
    this.d.post({
      type: 'run-state',
      state: this.current,
      step: run?.step ?? 0,
      steps: run?.config.steps ?? 0,
      runId: this.runId,
      facts: run ? { lossType: run.config.loss.type, beta: run.config.loss.beta } : null,
    });
  }

  /**
   * A new run; on `given` data (built-in prompts and reward for evaluation) if there is one;
   * with a guided experiment's `options` (recorded with the run, and applied on resume too).
   */
  async prepare(
    settings: DpoRunSettings,
    given?: GivenData,
    options?: ExperimentOptions,
  ): Promise<void> {
    const sft = this.d.workspace.require();
    this.enter({ type: 'prepare' }, BUSY);
    const imported = given ? null : this.d.workspace.importedData;
    try {
      this.run = await DpoRun.prepare(
        sft.model,
        this.d.workspace.task(settings, imported?.evalPrompts),
        settings,
        this.callbacks(),
        given
          ? { data: given.data, ...(given.resume ? { resume: given.resume } : {}) }
          : imported
            ? { data: imported.data }
            : {},
      );
    } catch (e) {
      this.go({ type: 'prepare-failed' });
      throw e;
    }
    this.runId = null;
    applyExperimentOptions(this.run, settings, options);
    if (this.d.recorder && sft.source) {
      const dataName = given?.name ?? imported?.summary.name ?? BUILTIN_DATA;
      const what =
        settings.algorithm === 'dpo'
          ? `${settings.loss.type} β=${settings.loss.beta}`
          : ALGORITHMS[settings.algorithm].label;
      const name = `${what} · ${given?.name ?? imported?.summary.name ?? 'built-in'}`;
      const saved = {
        kind: 'dpo' as const,
        settings,
        reference: sft.source,
        dataName,
        evalPrompts: imported?.evalPrompts ?? null,
        ...(options?.frozenPolicy ? { options } : {}),
      };
      this.runId =
        (await this.d.recorder.begin(name, saved, this.run.data, sft.model.config)) ?? null;
    } else if (this.d.recorder) {
      this.d.post({
        type: 'warning',
        message: 'This run is not saved: its π_ref could not be stored.',
      });
    }
    await this.saveCheckpoint('paused'); // step 0: what a fault before step 20 goes back to
    this.metrics.flush();
    this.go({ type: 'prepared', resumed: false, done: false });
  }

  /** Loads a saved run paused at its last checkpoint, with its history. */
  async resume(id: string): Promise<void> {
    const recorder = this.d.recorder;
    if (!recorder) throw new Error('storage is unavailable in this browser');
    this.enter({ type: 'prepare' }, BUSY);
    try {
      const b = await recorder.loadForResume(id);
      const ws = this.d.workspace;
      if (!sameSource(ws.model?.source, b.saved.reference)) {
        ws.adopt(await loadReference(b.saved.reference, recorder));
      }
      const sft = ws.require();
      const evalPrompts = b.saved.evalPrompts ?? undefined;
      this.d.post({ type: 'history', points: b.points, samples: b.samples });
      this.run = await DpoRun.prepare(
        sft.model,
        ws.task(b.saved.settings, evalPrompts, !b.saved.evalPrompts),
        b.saved.settings,
        this.callbacks(),
        { data: b.data, ...(b.snapshot ? { resume: b.snapshot } : {}) },
      );
      applyExperimentOptions(this.run, b.saved.settings, b.saved.options);
      this.runId = id;
      this.lastGood = b.snapshot ?? (await this.run.snapshot());
      this.d.post({ type: 'saved', runId: id, step: this.lastGood.step });
      await recorder.status(id, { status: 'paused', step: this.run.step });
    } catch (e) {
      this.go({ type: 'prepare-failed' });
      throw e;
    }
    this.metrics.flush();
    this.go({ type: 'prepared', resumed: true, done: this.run.done });
    void this.d.runs.refresh();
  }

  /** True when `e` would be accepted now. */
  allows(e: RunEvent): boolean {
    return transition(this.current, e) !== null;
  }

  /** Starts a job that replaces the run (load, SFT, prepare): refused with `why` unless idle. */
  enter(e: RunEvent & { type: 'load' | 'sft' | 'prepare' }, why: string): void {
    if (!this.allows(e)) throw new Error(why);
    this.drop();
    this.go(e);
  }

  start(): void {
    const run = this.run;
    const from = this.current;
    if (!run || run.done || !this.go({ type: 'start' })) return;
    // From 'pausing' the loop is still running and simply goes on.
    if (from !== 'pausing') this.inFlight = this.loop(run);
  }

  /** The loop stops after the current step and then saves a checkpoint. */
  pause(): void {
    this.go({ type: 'pause' });
  }

  async stepOnce(): Promise<void> {
    const run = this.run;
    if (!run || run.done || !this.go({ type: 'step' })) return;
    this.inFlight = this.singleStep(run);
    await this.inFlight;
  }

  private async singleStep(run: DpoRun): Promise<void> {
    try {
      await run.trainStep();
      await this.d.afterStep?.(run);
      this.metrics.flush();
      await this.saveCheckpoint(run.done ? 'done' : 'paused');
      this.go({ type: 'stopped', done: run.done });
    } catch (e) {
      await this.onStepError(e, 'step', run);
    }
  }

  /** Test hook: the run's learning rate, past the bounds the controls keep. */
  forceLearningRate(lr: number): void {
    const c = this.run?.config;
    if (c) this.update({ ...c, optim: { ...c.optim, lr } });
  }

  update(settings: DpoRunSettings): void {
    this.run?.update(settings);
    this.publish();
  }

  /** Drops the run (also mid-training: the loop ends after its step). */
  reset(): void {
    if (!this.allows({ type: 'reset' })) return;
    this.drop();
    // Before the first model there is nothing to go back to: stay where loading left it.
    if (this.d.workspace.model) this.go({ type: 'reset' });
  }

  /** Disposes the run and forgets its id, checkpoint and unsent points. */
  drop(): void {
    this.run?.dispose();
    this.run = null;
    this.runId = null;
    this.lastGood = null;
    this.metrics.clear();
  }

  /** For a lost device: waits (at most `ms`) for the step in flight, then hands the run over. */
  async detach(ms: number): Promise<{ run: DpoRun | null; good: RunSnapshot | null }> {
    await Promise.race([this.inFlight, new Promise((r) => setTimeout(r, ms))]);
    const run = this.run;
    this.run = null;
    return { run, good: run ? this.lastGood : null };
  }

  /** The run rebuilt on a new backend (or none); its history is cut back to its step. */
  async attach(run: DpoRun | null): Promise<void> {
    this.run = run;
    if (run) await this.rewindTo(run.step);
  }

  callbacks(): DpoRunCallbacks {
    const post = this.d.post;
    return {
      onProgress: (stage, done, total) => post({ type: 'progress', stage, done, total }),
      onPairs: (preview, total) => post({ type: 'pairs', preview, total }),
      onMetrics: (p) => this.metrics.push(p),
      onSamples: (samples) => {
        post({ type: 'samples', samples });
        if (this.runId && this.run) this.d.recorder?.samples(this.runId, this.run.step, samples);
      },
      onInspector: (pairs) => post({ type: 'inspector', pairs }),
    };
  }

  /** Keeps the snapshot as the last good one and saves it; NonFiniteError if it is not good. */
  private async saveCheckpoint(status: 'running' | 'paused' | 'done'): Promise<void> {
    const run = this.run;
    if (!run) return;
    const snap = await run.snapshot();
    this.lastGood = snap;
    const id = this.runId;
    if (!id || !this.d.recorder) return;
    if (await this.d.recorder.checkpoint(id, snap, run.policy.config, status)) {
      this.d.post({ type: 'saved', runId: id, step: snap.step });
      // The Saved runs table shows the stored step and status: send it the new ones.
      void this.d.runs.refresh();
    }
  }

  private async loop(run: DpoRun): Promise<void> {
    try {
      for (;;) {
        while (this.current === 'training' && this.run === run && !run.done) {
          await run.trainStep();
          await this.d.afterStep?.(run);
          this.metrics.flushIfDue();
          if (run.step % CHECKPOINT_EVERY === 0 && !run.done) await this.saveCheckpoint('running');
          // Let pause / update / reset messages in between steps.
          await new Promise((r) => setTimeout(r, 0));
        }
        // Reset, replaced, or a lost device (its recovery takes over): nothing to save.
        if (this.run !== run || this.current === 'recovering') return;
        this.metrics.flush();
        await this.saveCheckpoint(run.done ? 'done' : 'paused');
        // Train pressed again while that checkpoint was saved: go on.
        if (this.current === 'training' && this.run === run && !run.done) continue;
        this.go({ type: 'stopped', done: run.done });
        return;
      }
    } catch (e) {
      await this.onStepError(e, 'start', run);
    }
  }

  /** A step failed: NaN → roll back; a lost device → its recovery; else a plain error. */
  private async onStepError(
    e: unknown,
    requestType: WorkerRequest['type'],
    run: DpoRun,
  ): Promise<void> {
    if (this.run !== run) return; // reset mid-step: the run's errors no longer matter
    if (await this.d.lostDeviceExplains(e)) return;
    const good = this.lastGood;
    if (e instanceof NonFiniteError && good) {
      await run.restore(good);
      await this.rewindTo(good.step);
      this.go({ type: 'fault' });
      if (this.runId) {
        await this.d.recorder?.status(this.runId, { status: 'paused', step: good.step });
        void this.d.runs.refresh();
      }
      const message = nonFiniteMessage(e, good.step, run.config.optim.lr);
      this.d.post({
        type: 'fault',
        fault: { kind: 'non-finite', step: e.step, restoredStep: good.step, message },
      });
      return;
    }
    this.metrics.flush();
    this.go({ type: 'fault' });
    const message = e instanceof Error ? e.message : String(e);
    this.d.post({ type: 'error', message, requestType });
  }

  /** Voids everything after `step`: unsent points, stored rows, the UI's history. */
  async rewindTo(step: number): Promise<void> {
    this.metrics.dropAfter(step);
    this.metrics.flush();
    if (this.runId) await this.d.recorder?.rewind(this.runId, step);
    this.d.post({ type: 'rewind', step });
  }
}

function sameSource(a: ReferenceSource | null | undefined, b: ReferenceSource): boolean {
  if (!a) return false;
  return a.kind === 'url'
    ? b.kind === 'url' && a.url === b.url
    : b.kind === 'stored' && a.runId === b.runId;
}
