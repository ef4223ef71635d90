/**
 * The worker's training session: the SFT model, the data the next run trains on, the current
 * DPO run with its play/pause/step loop, and its recording into IndexedDB. Metrics are batched
 * and flushed a few times a second. Faults: a NaN rolls back to the last good checkpoint; a
 * lost GPU device rebuilds everything on a new backend (recovery.ts) and trains on.
 */
import {
  DpoRun,
  type DpoRunCallbacks,
  type DpoRunSettings,
  type DpoTask,
  NonFiniteError,
  type RunSnapshot,
} from '../pipeline/dpoRun';
import type { SftSettings } from '../pipeline/sftRun';
import { builtinPrompts, builtinTask } from '../task/builtin';
import { groundTruthReward } from '../task/reward';
import {
  type ImportedPreferences,
  importCorpus,
  importModel,
  importPreferences,
} from './dataImport';
import { buildExport, sequenceLogprob } from './exports';
import type { ReferenceSource, RunRecorder } from './persistence';
import type { ExportKind, FaultReport, RunState, WorkerEvent, WorkerRequest } from './protocol';
import {
  type BackendControl,
  type CpuParams,
  deviceLostMessage,
  nonFiniteMessage,
  readParams,
  rebuildOnNewBackend,
  waitFor,
} from './recovery';
import { fetchCheckpoint, loadReference, type SftModel, storedModel, summarize } from './sftModel';
import { trainSftModel } from './sftTraining';
import type { MetricPoint } from './views';

const FLUSH_MS = 250;
/** Steps between saved checkpoints of π_θ (also saved on pause and at the end). */
const CHECKPOINT_EVERY = 20;
const BUILTIN_DATA = 'built-in: sampled from π_ref, labelled by the sentiment reward';

export class RunController {
  private sft: SftModel | null = null;
  private run: DpoRun | null = null;
  private runId: string | null = null;
  private state: RunState = 'empty';
  private pending: MetricPoint[] = [];
  private lastFlush = 0;
  private looping = false;
  private sftStopRequested = false;
  /** An imported preference file (raw, re-tokenised when the SFT model changes). */
  private dataFile: { name: string; bytes: Uint8Array } | null = null;
  private imported: ImportedPreferences | null = null;
  private corpus: { name: string; documents: string[] } | null = null;
  /** The last checkpoint (finite by construction), on the CPU: what a fault rolls back to. */
  private lastGood: RunSnapshot | null = null;
  /** The SFT model's weights on the CPU, to rebuild π_ref after a lost GPU device. */
  private sftParams: Promise<CpuParams | null> = Promise.resolve(null);
  /** Set from a device loss until recovery is done; steps stop at the next boundary. */
  private deviceLost: string | null = null;
  private lastLossAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly post: (e: WorkerEvent) => void,
    private readonly recorder: RunRecorder | null,
    private readonly backend: BackendControl | null = null,
  ) {}

  async loadCheckpoint(url: string): Promise<void> {
    this.setState('loading-checkpoint');
    try {
      this.adoptSft(await fetchCheckpoint(url));
    } catch (e) {
      this.setState('empty');
      throw e;
    }
  }

  /**
   * Trains a tokenizer and a GPT on the corpus (built-in unless one was imported); the result
   * replaces the SFT model (π_ref of later runs), also when stopped early.
   */
  async trainSft(settings: SftSettings): Promise<void> {
    if (this.state === 'training' || this.state === 'sft' || this.looping) {
      throw new Error('pause or reset the current run before training a new SFT model');
    }
    this.reset();
    this.setState('sft');
    this.sftStopRequested = false;
    try {
      const corpusName = this.corpus?.name ?? 'built-in reviews';
      const m = await trainSftModel(this.corpusDocuments(), corpusName, settings, {
        onProgress: (stage, done, total) => this.post({ type: 'progress', stage, done, total }),
        onMetrics: (p) => this.pending.push(p),
        afterStep: () => performance.now() - this.lastFlush > FLUSH_MS && this.flush(),
        shouldStop: () => this.sftStopRequested,
      });
      this.flush();
      await this.adoptNewModel(m);
    } finally {
      if ((this.state as RunState) === 'sft') this.setState('empty');
    }
  }

  stopSft(): void {
    this.sftStopRequested = true;
  }

  async importModel(files: { name: string; bytes: Uint8Array }[]): Promise<void> {
    if (this.state === 'training' || this.state === 'sft') {
      throw new Error('pause the current run before importing a model');
    }
    const m = importModel(files);
    for (const w of m.warnings) this.post({ type: 'warning', message: w });
    const meta = { ...m.meta, label: m.origin };
    await this.adoptNewModel({
      model: m.model,
      tokenizer: m.tokenizer,
      source: null,
      label: m.origin,
      meta,
    });
  }

  importData(name: string, bytes: Uint8Array): void {
    const sft = this.requireSft();
    this.imported = importPreferences(name, bytes, sft.tokenizer, sft.model.config.blockSize);
    this.dataFile = { name, bytes };
    this.post({ type: 'dataset', summary: this.imported.summary });
  }

  selectBuiltinData(): void {
    this.imported = null;
    this.dataFile = null;
    this.post({ type: 'dataset', summary: null });
  }

  importCorpus(name: string, bytes: Uint8Array): void {
    const c = importCorpus(name, bytes);
    this.corpus = { name, documents: c.documents };
    this.post({ type: 'corpus', name, note: c.note });
  }

  async prepare(settings: DpoRunSettings): Promise<void> {
    const sft = this.requireSft();
    this.reset();
    this.setState('preparing');
    const imported = this.imported;
    try {
      this.run = await DpoRun.prepare(
        sft.model,
        this.task(settings, imported?.evalPrompts),
        settings,
        this.callbacks(),
        imported ? { data: imported.data } : {},
      );
    } catch (e) {
      this.setState('empty');
      throw e;
    }
    this.runId = null;
    if (this.recorder && sft.source) {
      const dataName = imported?.summary.name ?? BUILTIN_DATA;
      const name = `${settings.loss.type} β=${settings.loss.beta} · ${imported?.summary.name ?? 'built-in'}`;
      this.runId =
        (await this.recorder.begin(
          name,
          {
            kind: 'dpo',
            settings,
            reference: sft.source,
            dataName,
            evalPrompts: imported?.evalPrompts ?? null,
          },
          this.run.data,
          sft.model.config,
        )) ?? null;
    } else if (this.recorder) {
      this.post({
        type: 'warning',
        message: 'This run is not saved: its π_ref could not be stored.',
      });
    }
    await this.saveCheckpoint('paused'); // step 0: what a fault before step 20 goes back to
    this.flush();
    this.setState('ready');
  }

  /** Loads a saved run paused at its last checkpoint, with its history. */
  async resume(id: string): Promise<void> {
    if (!this.recorder) throw new Error('storage is unavailable in this browser');
    if (this.state === 'training' || this.state === 'sft')
      throw new Error('pause the current run first');
    this.reset();
    this.setState('preparing');
    try {
      const b = await this.recorder.loadForResume(id);
      if (!sameSource(this.sft?.source, b.saved.reference)) {
        this.adoptSft(await loadReference(b.saved.reference, this.recorder));
        this.setState('preparing');
      }
      const sft = this.requireSft();
      const evalPrompts = b.saved.evalPrompts ?? undefined;
      this.post({ type: 'history', points: b.points, samples: b.samples });
      this.run = await DpoRun.prepare(
        sft.model,
        this.task(b.saved.settings, evalPrompts, !b.saved.evalPrompts),
        b.saved.settings,
        this.callbacks(),
        { data: b.data, ...(b.snapshot ? { resume: b.snapshot } : {}) },
      );
      this.runId = id;
      this.lastGood = b.snapshot ?? (await this.run.snapshot());
      this.post({ type: 'saved', runId: id, step: this.lastGood.step });
      await this.recorder.status(id, { status: 'paused', step: this.run.step });
    } catch (e) {
      this.setState('empty');
      throw e;
    }
    this.flush();
    this.setState(this.run.done ? 'done' : 'paused');
  }

  start(): void {
    if (!this.run || this.run.done) return;
    this.setState('training');
    if (!this.looping) void this.loop();
  }

  /** The loop stops after the current step and then saves a checkpoint. */
  pause(): void {
    if (this.state === 'training') this.setState('paused');
  }

  async stepOnce(): Promise<void> {
    const run = this.run;
    if (!run || run.done || this.state === 'training' || this.looping) return;
    try {
      await run.trainStep();
      this.flush();
      await this.saveCheckpoint(run.done ? 'done' : 'paused');
      this.setState(run.done ? 'done' : 'paused');
    } catch (e) {
      await this.onStepError(e, 'step');
    }
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
    this.runId = null;
    this.lastGood = null;
    this.pending = [];
    if (this.sft) this.setState('empty');
  }

  async exportFile(what: ExportKind): Promise<void> {
    const sft = this.requireSft();
    const f = await buildExport(what, {
      model: this.run?.policy ?? sft.model,
      tokenizer: sft.tokenizer,
      meta: { ...sft.meta, exportedAtStep: this.run?.step ?? 0 },
      pairs: this.run?.data.texts ?? this.imported?.data.texts ?? [],
      tokenPairs: this.run?.data.pairs ?? this.imported?.data.pairs ?? [],
    });
    this.post({ type: 'export-file', ...f });
  }

  async logprob(text: string, which: 'policy' | 'sft'): Promise<void> {
    const sft = this.requireSft();
    const model = which === 'policy' ? (this.run?.policy ?? sft.model) : sft.model;
    const r = await sequenceLogprob(model, sft.tokenizer, text);
    this.post({ type: 'logprob-result', text, model: which, ...r });
  }

  async listRuns(): Promise<void> {
    if (!this.recorder) return;
    const { runs, storage } = await this.recorder.list();
    this.post({ type: 'runs', runs, storage });
  }

  async renameRun(id: string, name: string): Promise<void> {
    await this.recorder?.rename(id, name);
    await this.listRuns();
  }

  async deleteRun(id: string): Promise<void> {
    if (id === this.runId) this.reset();
    await this.recorder?.remove(id);
    await this.listRuns();
  }

  async pruneRun(id: string): Promise<void> {
    await this.recorder?.prune(id);
    await this.listRuns();
  }

  /** The SFT model runs start from (a sweep uses it too). */
  currentSft(): SftModel | null {
    return this.sft;
  }

  /** True while something trains, samples or loads. */
  busy(): boolean {
    return (
      ['training', 'sft', 'preparing', 'loading-checkpoint'].includes(this.state) || this.looping
    );
  }

  private requireSft(): SftModel {
    if (!this.sft) throw new Error('load a checkpoint first');
    return this.sft;
  }

  private task(settings: DpoRunSettings, evalPrompts?: string[], builtin = !evalPrompts): DpoTask {
    const sft = this.requireSft();
    const { heldOut } = builtinTask();
    return {
      tokenizer: sft.tokenizer,
      trainPrompts: builtin ? builtinPrompts(heldOut, settings.data.prompts, 0) : [],
      evalPrompts:
        evalPrompts ?? builtinPrompts(heldOut, settings.eval.prompts, settings.data.prompts),
      ...(builtin ? { reward: groundTruthReward } : {}),
    };
  }

  private callbacks(): DpoRunCallbacks {
    return {
      onProgress: (stage, done, total) => this.post({ type: 'progress', stage, done, total }),
      onPairs: (preview, total) => this.post({ type: 'pairs', preview, total }),
      onMetrics: (p) => this.pending.push(p),
      onSamples: (samples) => {
        this.post({ type: 'samples', samples });
        if (this.runId && this.run) this.recorder?.samples(this.runId, this.run.step, samples);
      },
      onInspector: (pairs) => this.post({ type: 'inspector', pairs }),
    };
  }

  private corpusDocuments(): { train: string[]; heldOut: string[] } {
    if (this.corpus) {
      const d = this.corpus.documents;
      const n = Math.max(1, Math.round(d.length * 0.05));
      return { train: d.slice(0, d.length - n), heldOut: d.slice(d.length - n) };
    }
    const { train, heldOut } = builtinTask();
    return { train: train.map((r) => r.text), heldOut: heldOut.map((r) => r.text) };
  }

  /** A model made here (SFT or import): stored so runs on it can resume after a reload. */
  private async adoptNewModel(m: SftModel): Promise<void> {
    const runId = this.recorder
      ? await this.recorder.saveModel(`π_ref: ${m.label}`, m.label, await storedModel(m))
      : undefined;
    this.adoptSft({ ...m, source: runId ? { kind: 'stored', runId } : null });
    if (runId) await this.listRuns();
  }

  private adoptSft(m: SftModel): void {
    this.reset();
    if (this.sft?.model !== m.model) this.sft?.model.dispose();
    this.sft = m;
    this.sftParams = readParams(m.model).catch(() => null);
    this.post({ type: 'checkpoint', ...summarize(m) });
    if (this.dataFile) {
      try {
        this.importData(this.dataFile.name, this.dataFile.bytes);
      } catch (e) {
        this.selectBuiltinData();
        this.post({ type: 'warning', message: e instanceof Error ? e.message : String(e) });
      }
    }
    this.setState('empty');
  }

  /** Keeps the snapshot as the last good one and saves it; NonFiniteError if it is not good. */
  private async saveCheckpoint(status: 'running' | 'paused' | 'done'): Promise<void> {
    const run = this.run;
    if (!run) return;
    const snap = await run.snapshot();
    this.lastGood = snap;
    const id = this.runId;
    if (!id || !this.recorder) return;
    if (await this.recorder.checkpoint(id, snap, run.policy.config, status)) {
      this.post({ type: 'saved', runId: id, step: snap.step });
    }
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (this.state === 'training' && this.run && !this.run.done) {
        if (this.deviceLost) return; // onDeviceLost takes over
        await this.run.trainStep();
        if (performance.now() - this.lastFlush > FLUSH_MS) this.flush();
        if (this.run.step % CHECKPOINT_EVERY === 0 && !this.run.done) {
          await this.saveCheckpoint('running');
        }
        // Let pause / update / reset messages in between steps.
        await new Promise((r) => setTimeout(r, 0));
      }
      this.flush();
      if (this.run?.done) {
        await this.saveCheckpoint('done');
        this.setState('done');
      } else if (this.state === 'paused') {
        await this.saveCheckpoint('paused');
        this.setState('paused'); // again, now that the checkpoint is saved
      }
    } catch (e) {
      await this.onStepError(e, 'start');
    } finally {
      this.looping = false;
    }
  }

  /** A step failed: NaN → roll back; a lost device → its recovery; else a plain error. */
  private async onStepError(e: unknown, requestType: WorkerRequest['type']): Promise<void> {
    if (await this.lostDeviceExplains(e)) return;
    if (e instanceof NonFiniteError && this.run && this.lastGood) {
      const good = this.lastGood;
      await this.run.restore(good);
      await this.rewindTo(good.step);
      this.setState('paused');
      if (this.runId)
        await this.recorder?.status(this.runId, { status: 'paused', step: good.step });
      const message = nonFiniteMessage(e, good.step, this.run.config.optim.lr);
      this.post({
        type: 'fault',
        fault: { kind: 'non-finite', step: e.step, restoredStep: good.step, message },
      });
      return;
    }
    this.flush();
    if (this.state === 'training') this.setState('paused');
    this.post({ type: 'error', message: e instanceof Error ? e.message : String(e), requestType });
  }

  /**
   * True if a lost device explains an error: its recovery then reports it, not as a generic
   * failure. The loss may be reported a moment after the failed read, hence the wait.
   */
  async lostDeviceExplains(e: unknown): Promise<boolean> {
    if (e instanceof NonFiniteError || !this.backend) return false;
    return waitFor(() => !!this.deviceLost || performance.now() - this.lastLossAt < 5000, 1500);
  }

  /** Voids everything after `step`: unsent points, stored rows, the UI's history. */
  private async rewindTo(step: number): Promise<void> {
    this.pending = this.pending.filter((p) => p.step <= step);
    this.flush();
    if (this.runId) await this.recorder?.rewind(this.runId, step);
    this.post({ type: 'rewind', step });
  }

  /**
   * The GPU device is gone, and every tensor with it: waits for the step in flight, starts a
   * backend, rebuilds π_ref and π_θ from the CPU copies (the SFT weights, the last good
   * checkpoint, π_ref's cached log-probs) and trains on from that checkpoint.
   */
  async onDeviceLost(reason: string): Promise<void> {
    if (!this.backend || this.deviceLost) return;
    this.deviceLost = reason;
    this.lastLossAt = performance.now();
    const wasTraining = this.state === 'training';
    const lostAt = this.run?.step ?? 0;
    await waitFor(() => !this.looping, 10_000);
    const { run, sft } = this;
    const good = run ? this.lastGood : null;
    this.run = null;
    this.setState('preparing');
    let fault: FaultReport;
    try {
      const r = await rebuildOnNewBackend({
        backend: this.backend,
        recorder: this.recorder,
        sft: sft ? { model: sft, params: await this.sftParams } : null,
        run: run && good ? { run, good, callbacks: this.callbacks() } : null,
      });
      this.post({ type: 'backend', ...r.backend });
      this.sft = r.sft?.model ?? null;
      if (r.sft) this.sftParams = Promise.resolve(r.sft.params);
      this.run = r.run;
      if (r.run) await this.rewindTo(r.run.step);
      const restoredStep = r.run ? r.run.step : null;
      const resumed = wasTraining && !!r.run;
      const backend = r.backend.backend;
      fault = {
        kind: 'device-lost',
        step: lostAt,
        restoredStep,
        message: deviceLostMessage({ lostAt, reason, backend, restoredStep, resumed }),
      };
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      fault = {
        kind: 'device-lost',
        step: lostAt,
        restoredStep: null,
        message: `The GPU device was lost at step ${lostAt} (${reason}) and could not be replaced (${why}). Reload the page: the run resumes from its last checkpoint.`,
      };
    }
    this.deviceLost = null;
    this.backend.watch((r) => void this.onDeviceLost(r));
    this.post({ type: 'fault', fault });
    this.setState(!this.run ? 'empty' : this.run.done ? 'done' : 'paused');
    if (wasTraining && this.run) this.start();
  }

  private flush(): void {
    this.lastFlush = performance.now();
    if (this.pending.length === 0) return;
    if (this.runId) this.recorder?.metrics(this.runId, this.pending);
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
      runId: this.runId,
    });
  }
}

function sameSource(a: ReferenceSource | null | undefined, b: ReferenceSource): boolean {
  if (!a) return false;
  return a.kind === 'url'
    ? b.kind === 'url' && a.url === b.url
    : b.kind === 'stored' && a.runId === b.runId;
}
