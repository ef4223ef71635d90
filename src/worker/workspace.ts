/**
 * What runs start from: the SFT model (π_ref, and π_θ's starting point) with a CPU copy of its
 * weights for recovery, the imported preference file the next run trains on, and the corpus
 * the next in-browser SFT trains on. No run lifecycle here (runSession.ts).
 */
import type { DpoRunSettings, DpoTask } from '../pipeline/dpoRun';
import { builtinPrompts, builtinTask } from '../task/builtin';
import { groundTruthReward } from '../task/reward';
import {
  type ImportedPreferences,
  importCorpus,
  importModel,
  importPreferences,
} from './dataImport';
import type { RunRecorder } from './persistence';
import type { PostEvent } from './protocol';
import { type CpuParams, readParams } from './recovery';
import { type SftModel, storedModel, summarize } from './sftModel';

export class Workspace {
  private sft: SftModel | null = null;
  /** The SFT model's weights on the CPU, to rebuild π_ref after a lost GPU device. */
  private sftParams: Promise<CpuParams | null> = Promise.resolve(null);
  /** An imported preference file (raw, re-tokenised when the SFT model changes). */
  private dataFile: { name: string; bytes: Uint8Array } | null = null;
  private imported: ImportedPreferences | null = null;
  private corpus: { name: string; documents: string[] } | null = null;

  constructor(
    private readonly post: PostEvent,
    private readonly recorder: RunRecorder | null,
  ) {}

  /** The SFT model runs start from; null before the first one is in. */
  get model(): SftModel | null {
    return this.sft;
  }

  require(): SftModel {
    if (!this.sft) throw new Error('load a checkpoint first');
    return this.sft;
  }

  /** The imported preference data the next run trains on; null: pairs sampled from π_ref. */
  get importedData(): ImportedPreferences | null {
    return this.imported;
  }

  cpuParams(): Promise<CpuParams | null> {
    return this.sftParams;
  }

  importData(name: string, bytes: Uint8Array): void {
    const sft = this.require();
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

  /** The corpus of the next SFT (built-in unless one was imported), 5 % held out. */
  corpusDocuments(): { name: string; train: string[]; heldOut: string[] } {
    if (this.corpus) {
      const d = this.corpus.documents;
      const n = Math.max(1, Math.round(d.length * 0.05));
      return { name: this.corpus.name, train: d.slice(0, -n), heldOut: d.slice(-n) };
    }
    const { train, heldOut } = builtinTask();
    return {
      name: 'built-in reviews',
      train: train.map((r) => r.text),
      heldOut: heldOut.map((r) => r.text),
    };
  }

  /** A model file (this app's checkpoint or a Hugging Face GPT-2 folder), not yet adopted. */
  modelFromFiles(files: { name: string; bytes: Uint8Array }[]): SftModel {
    const m = importModel(files);
    for (const w of m.warnings) this.post({ type: 'warning', message: w });
    const meta = { ...m.meta, label: m.origin };
    return { model: m.model, tokenizer: m.tokenizer, source: null, label: m.origin, meta };
  }

  /** The built-in task's prompts, or an imported file's held-out ones (no reward then). */
  task(settings: DpoRunSettings, evalPrompts?: string[], builtin = !evalPrompts): DpoTask {
    const sft = this.require();
    const { heldOut } = builtinTask();
    return {
      tokenizer: sft.tokenizer,
      trainPrompts: builtin ? builtinPrompts(heldOut, settings.data.prompts, 0) : [],
      evalPrompts:
        evalPrompts ?? builtinPrompts(heldOut, settings.eval.prompts, settings.data.prompts),
      ...(builtin ? { reward: groundTruthReward } : {}),
    };
  }

  /**
   * A model made here (SFT or import): stored so runs on it can resume after a reload.
   * True when it was stored (the run list changed).
   */
  async adoptNew(m: SftModel): Promise<boolean> {
    const runId = this.recorder
      ? await this.recorder.saveModel(`π_ref: ${m.label}`, m.label, await storedModel(m))
      : undefined;
    this.adopt({ ...m, source: runId ? { kind: 'stored', runId } : null });
    return !!runId;
  }

  /** Replaces the SFT model (the caller has dropped any run on the old one). */
  adopt(m: SftModel): void {
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
  }

  /** After a lost device: the rebuilt SFT model (its old tensors are gone), or none. */
  replaceAfterRecovery(r: { model: SftModel; params: CpuParams } | null): void {
    this.sft = r?.model ?? null;
    if (r) this.sftParams = Promise.resolve(r.params);
  }
}
