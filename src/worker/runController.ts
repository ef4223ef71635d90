/**
 * The worker's training session, wired from its parts: the workspace (SFT model and data,
 * workspace.ts), the current run and its state machine (runSession.ts, runState.ts), the
 * saved runs (runList.ts) and GPU-device recovery (deviceRecovery.ts). What changes the SFT
 * model under a run, or reads the run and the workspace together, is orchestrated here.
 */
import type { SftSettings } from '../pipeline/sftRun';
import { DeviceRecovery } from './deviceRecovery';
import { buildExport, sequenceLogprob } from './exports';
import { LabelTraining } from './labelTraining';
import type { RunRecorder } from './persistence';
import type { ExportKind, PostEvent } from './protocol';
import type { BackendControl } from './recovery';
import { RunList } from './runList';
import { RunSession } from './runSession';
import { isBusy } from './runState';
import { fetchCheckpoint, type SftModel } from './sftModel';
import { trainSftModel } from './sftTraining';
import { Workspace } from './workspace';

const BUSY_MESSAGE = 'pause or reset the current run first';

export class RunController {
  readonly workspace: Workspace;
  readonly runs: RunList;
  readonly session: RunSession;
  readonly recovery: DeviceRecovery;
  /** The labelling mode: your labels, DPO on them, agreement (labelTraining.ts). */
  readonly labelling: LabelTraining;
  private sftStopRequested = false;

  constructor(
    private readonly post: PostEvent,
    recorder: RunRecorder | null,
    backend: BackendControl | null = null,
  ) {
    this.workspace = new Workspace(post, recorder);
    this.runs = new RunList(post, recorder);
    this.session = new RunSession({
      post,
      recorder,
      workspace: this.workspace,
      runs: this.runs,
      lostDeviceExplains: (e) => this.recovery.explains(e),
      afterStep: (run) => this.labelling.afterStep(run),
    });
    this.labelling = new LabelTraining(post, recorder, this.workspace, () => this.session);
    this.recovery = new DeviceRecovery(post, recorder, backend, this.workspace, this.session);
  }

  /** True while something trains, samples, loads or recovers (runState.ts's one definition). */
  busy(): boolean {
    return isBusy(this.session.state);
  }

  async loadCheckpoint(url: string): Promise<void> {
    this.session.enter({ type: 'load' }, BUSY_MESSAGE);
    try {
      this.workspace.adopt(await fetchCheckpoint(url));
    } finally {
      this.session.go({ type: 'loaded' });
    }
  }

  /**
   * Trains a tokenizer and a GPT on the corpus (built-in unless one was imported); the result
   * replaces the SFT model (π_ref of later runs), also when stopped early.
   */
  async trainSft(settings: SftSettings): Promise<void> {
    const session = this.session;
    session.enter(
      { type: 'sft' },
      'pause or reset the current run before training a new SFT model',
    );
    this.sftStopRequested = false;
    try {
      const docs = this.workspace.corpusDocuments();
      const m = await trainSftModel(docs, docs.name, settings, {
        onProgress: (stage, done, total) => this.post({ type: 'progress', stage, done, total }),
        onMetrics: (p) => session.metrics.push(p),
        afterStep: () => session.metrics.flushIfDue(),
        shouldStop: () => this.sftStopRequested,
      });
      session.metrics.flush();
      await this.adoptNewModel(m);
    } finally {
      session.go({ type: 'loaded' });
    }
  }

  stopSft(): void {
    this.sftStopRequested = true;
  }

  async importModel(files: { name: string; bytes: Uint8Array }[]): Promise<void> {
    const why = 'pause the current run before importing a model';
    if (!this.session.allows({ type: 'load' })) throw new Error(why);
    const m = this.workspace.modelFromFiles(files); // a bad file leaves the run as it was
    this.session.enter({ type: 'load' }, why);
    try {
      await this.adoptNewModel(m);
    } finally {
      this.session.go({ type: 'loaded' });
    }
  }

  /** Drops the run; during SFT, stops it (the model trained so far is kept). */
  reset(): void {
    if (this.session.state === 'sft') this.stopSft();
    else this.session.reset();
  }

  async deleteRun(id: string): Promise<void> {
    if (id === this.session.currentRunId) this.session.reset();
    await this.runs.remove(id);
  }

  async exportFile(what: ExportKind): Promise<void> {
    const sft = this.workspace.require();
    const run = this.session.policyRun;
    const imported = this.workspace.importedData;
    const f = await buildExport(what, {
      model: run?.policy ?? sft.model,
      tokenizer: sft.tokenizer,
      meta: { ...sft.meta, exportedAtStep: run?.step ?? 0 },
      pairs: run?.data.texts ?? imported?.data.texts ?? [],
      tokenPairs: run?.data.pairs ?? imported?.data.pairs ?? [],
    });
    // The bytes move to the UI thread rather than being copied.
    this.post({ type: 'export-file', ...f }, [f.bytes]);
  }

  async logprob(text: string, which: 'policy' | 'sft'): Promise<void> {
    const sft = this.workspace.require();
    const model = which === 'policy' ? (this.session.policyRun?.policy ?? sft.model) : sft.model;
    const r = await sequenceLogprob(model, sft.tokenizer, text);
    this.post({ type: 'logprob-result', text, model: which, ...r });
  }

  /** A model made here (SFT or import), stored so that runs on it resume after a reload. */
  private async adoptNewModel(m: SftModel): Promise<void> {
    if (await this.workspace.adoptNew(m)) await this.runs.refresh();
  }
}
