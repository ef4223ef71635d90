/**
 * The labelling mode wired to the run: the label session's models (π_ref from the workspace,
 * π_θ from the current run), DPO on the labels through the ordinary run session, agreement
 * after evaluation steps, and the labels' TRL export.
 */
import type { DpoRun } from '../pipeline/dpoRun';
import type { DpoRunSettings } from '../pipeline/settings';
import { buildExport } from './exports';
import type { LabelRoute } from './labelProtocol';
import { LabelSession } from './labelSession';
import type { RunRecorder } from './persistence';
import type { PostEvent } from './protocol';
import type { RunSession } from './runSession';
import { isBusy } from './runState';
import type { Workspace } from './workspace';

const DATA_NAME = 'your labels';

export class LabelTraining {
  readonly labels: LabelSession;
  /** The run that trains on the labels; null when the current run (if any) is another. */
  private run: DpoRun | null = null;

  constructor(
    private readonly post: PostEvent,
    recorder: RunRecorder | null,
    private readonly workspace: Workspace,
    private readonly session: () => RunSession,
  ) {
    this.labels = new LabelSession(
      post,
      () => recorder?.labels() ?? null,
      () => {
        const sft = workspace.model;
        if (!sft) return null;
        const run = this.session().policyRun;
        const src = sft.source;
        return {
          reference: sft.model,
          tokenizer: sft.tokenizer,
          key: src ? (src.kind === 'url' ? `url:${src.url}` : `stored:${src.runId}`) : 'unsaved',
          policy: run?.policy ?? null,
          runReference: run?.reference ?? null,
          step: run?.step ?? 0,
          beta: run?.config.loss.beta ?? 0.1,
        };
      },
    );
  }

  /**
   * DPO on the labels in one offline round: on the labels alone, or (the default route) on the
   * labels and the pairs a word reward fitted to them picks among π_ref's samples. A run already on the labels goes on from its π_ref,
   * π_θ and optimizer for `settings.steps` more steps on all labels so far.
   */
  async train(settings: DpoRunSettings, route: LabelRoute = 'word-reward'): Promise<void> {
    const session = this.session();
    if (isBusy(session.state)) throw new Error('pause the run first, then train on your labels');
    await this.labels.sync();
    const labels = this.labels.trainingData();
    const data =
      route === 'word-reward' ? await this.labels.wordRewardData(labels, settings.seed) : labels;
    const current = session.policyRun;
    const resume = current && current === this.run ? await current.snapshot() : undefined;
    const steps = (resume?.step ?? 0) + settings.steps;
    await session.prepare({ ...settings, rounds: 1, steps }, { data, name: DATA_NAME, resume });
    this.run = session.policyRun;
    if (!resume) this.labels.series = [];
    await this.labels.measureAgreement();
    session.start();
  }

  /** A pooled label file (TRL JSONL, optional "labeller") imported as labels. */
  async importLabels(name: string, bytes: ArrayBuffer): Promise<void> {
    await this.labels.importLabels(name, new TextDecoder().decode(bytes));
  }

  /** After a step of a run on the labels: agreement on evaluation steps and at the end. */
  async afterStep(run: DpoRun): Promise<void> {
    if (run !== this.run) return;
    if (run.step % run.config.eval.every === 0 || run.done) await this.labels.measureAgreement();
  }

  /** The decided labels as TRL JSONL, through the app's pair export. */
  async exportLabels(): Promise<void> {
    await this.labels.sync();
    const sft = this.workspace.require();
    const data = this.labels.exportData();
    if (data.pairs.length === 0) throw new Error('no labelled pair to export yet');
    const f = await buildExport('dataset-trl', {
      model: sft.model,
      tokenizer: sft.tokenizer,
      meta: {},
      pairs: data.texts,
      tokenPairs: data.pairs,
    });
    this.post({ type: 'export-file', ...f, name: 'labels.trl.jsonl' }, [f.bytes]);
  }
}
