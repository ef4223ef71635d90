/**
 * Keeps the worker's runs in IndexedDB (through RunStore): a DPO run's settings, pairs, metric
 * history, samples and checkpoints of π_θ with the optimizer state; SFT models trained or
 * imported on the page are kept as runs of kind 'model' so a DPO run can name its π_ref.
 * Writes are queued in order; a full quota stops recording with one clear warning and never
 * stops training.
 */
import { z } from 'zod';
import { type GPTConfig, PRESETS } from '../model/config';
import type { DpoRunSettings, PreferenceData, RunSnapshot } from '../pipeline/dpoRun';
import type { ExperimentOptions } from '../pipeline/experiments/experiments';
import type { MetricPoint, SampleView } from '../pipeline/views';
import { migrateRunSettings } from '../share/playgroundConfig';
import { StorageFullError } from '../storage/errors';
import type { LabelStore } from '../storage/labelStore';
import type { RunRecord, StoredCheckpoint } from '../storage/records';
import { openRunStore, type RunStore } from '../storage/runStore';
import type { TokenizerJSON } from '../tokenizer/bpe';
import type { RunListItem, RunMetrics, StorageSummary } from './protocol';

/** Where a run's π_ref comes from: a shipped checkpoint URL or a stored model run. */
export type ReferenceSource = { kind: 'url'; url: string } | { kind: 'stored'; runId: string };

/** What RunRecord.settings holds for this app. */
export type SavedSettings =
  | {
      kind: 'dpo';
      settings: DpoRunSettings;
      reference: ReferenceSource;
      dataName: string;
      /** Held-out prompts of an imported dataset; null for the built-in task. */
      evalPrompts: string[] | null;
      /** What a guided experiment set beyond the schema (a frozen policy: it ran at lr 0). */
      options?: ExperimentOptions;
    }
  | { kind: 'model'; origin: string };

const referenceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('url'), url: z.string() }),
  z.object({ kind: z.literal('stored'), runId: z.string() }),
]);
const savedSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('dpo'),
    settings: z.unknown(),
    reference: referenceSchema,
    dataName: z.string(),
    evalPrompts: z.array(z.string()).nullable(),
    options: z.object({ frozenPolicy: z.literal(true).optional() }).optional(),
  }),
  z.object({ kind: z.literal('model'), origin: z.string() }),
]);

/**
 * A run record's settings as this version reads them: validated, never cast. A DPO run's
 * settings are migrated field by field (a field added since it was saved takes the value the
 * run ran with, see migrateRunSettings); a record this app did not write reads as null.
 */
export function readSavedSettings(raw: unknown): SavedSettings | null {
  const r = savedSchema.safeParse(raw);
  if (!r.success) return null;
  if (r.data.kind === 'model') return r.data;
  const { options, ...rest } = r.data;
  const settings = migrateRunSettings(rest.settings).settings;
  return options?.frozenPolicy
    ? { ...rest, settings, options: { frozenPolicy: true } }
    : { ...rest, settings };
}

export interface ResumeBundle {
  record: RunRecord;
  saved: Extract<SavedSettings, { kind: 'dpo' }>;
  data: PreferenceData;
  snapshot: RunSnapshot | null;
  points: MetricPoint[];
  samples: SampleView[];
}

export interface StoredModel {
  config: GPTConfig;
  tokenizer: TokenizerJSON;
  params: StoredCheckpoint['params'];
  meta: Record<string, string | number>;
}

const CHECKPOINTS_KEPT = 2;

export class RunRecorder {
  private queue: Promise<unknown> = Promise.resolve();
  /** Set after a full quota: the current run is no longer recorded. */
  private stopped = false;

  private constructor(
    private readonly store: RunStore,
    private readonly warn: (message: string) => void,
  ) {}

  /** Null where IndexedDB is unavailable (private windows of some browsers). */
  static async open(warn: (message: string) => void): Promise<RunRecorder | null> {
    try {
      const store = await openRunStore();
      await store.markInterrupted();
      return new RunRecorder(store, warn);
    } catch (e) {
      warn(`Runs cannot be saved in this browser: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  }

  /** Runs one write after the earlier ones; a full quota turns into a warning. */
  private write<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const next = this.queue.then(async () => {
      if (this.stopped) return undefined;
      try {
        return await fn();
      } catch (e) {
        if (e instanceof StorageFullError) {
          this.stopped = true;
          this.warn(e.message);
          return undefined;
        }
        this.warn(`Saving the run failed: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Waits for every queued write. */
  flush(): Promise<unknown> {
    return this.queue;
  }

  /** The labelling mode's label sets, in the same database. */
  labels(): LabelStore {
    return this.store.labels();
  }

  async begin(
    name: string,
    saved: Extract<SavedSettings, { kind: 'dpo' }>,
    data: PreferenceData,
    model: GPTConfig,
  ): Promise<string | undefined> {
    this.stopped = false;
    return this.write(async () => {
      const datasetId = await this.store.putDataset(data, saved.dataName);
      const run = await this.store.createRun({
        name,
        settings: saved,
        model: summary(model),
        totalSteps: saved.settings.steps,
        datasetId,
      });
      return run.id;
    });
  }

  metrics(runId: string, points: MetricPoint[]): void {
    if (points.length) void this.write(() => this.store.appendMetrics(runId, points));
  }

  samples(runId: string, step: number, samples: SampleView[]): void {
    void this.write(() => this.store.putSamples(runId, step, samples));
  }

  /** True once written; false when storage failed (the warning says why). */
  async checkpoint(
    runId: string,
    snap: RunSnapshot,
    config: GPTConfig,
    status: RunRecord['status'],
  ): Promise<boolean> {
    const done = await this.write(async () => {
      await this.store.putCheckpoint(
        runId,
        snap.step,
        { params: snap.params, optimizer: snap.optimizer, config },
        { keep: CHECKPOINTS_KEPT },
      );
      await this.store.updateRun(runId, { step: snap.step, status });
      return true;
    });
    return done === true;
  }

  /** Forgets what was logged after `step` (the run went back to its checkpoint there). */
  rewind(runId: string, step: number) {
    return this.write(() => this.store.rewindTo(runId, step));
  }

  status(runId: string, patch: Partial<Pick<RunRecord, 'status' | 'step' | 'summary' | 'error'>>) {
    return this.write(() => this.store.updateRun(runId, patch));
  }

  /** Keeps an SFT model (trained or imported here) so runs can use it as π_ref after a reload. */
  async saveModel(name: string, origin: string, model: StoredModel): Promise<string | undefined> {
    this.stopped = false;
    return this.write(async () => {
      const run = await this.store.createRun({
        name,
        settings: { kind: 'model', origin } satisfies SavedSettings,
        model: summary(model.config),
        totalSteps: 0,
        status: 'done',
      });
      await this.store.putCheckpoint(run.id, 0, {
        params: model.params,
        config: model.config,
        tokenizer: model.tokenizer,
        meta: model.meta,
      });
      return run.id;
    });
  }

  async loadModel(runId: string): Promise<StoredModel> {
    const c = (await this.store.latestCheckpoint(runId))?.checkpoint;
    if (!c?.tokenizer)
      throw new Error('the stored π_ref model is missing; it may have been deleted');
    return { config: c.config, tokenizer: c.tokenizer, params: c.params, meta: c.meta ?? {} };
  }

  async loadForResume(runId: string): Promise<ResumeBundle> {
    await this.flush();
    const record = await this.store.getRun(runId);
    const saved = readSavedSettings(record?.settings);
    if (!record || saved?.kind !== 'dpo' || !record.datasetId) {
      throw new Error('this run cannot be resumed: it is not a saved DPO run');
    }
    const data = (await this.store.getDataset<PreferenceData>(record.datasetId))?.data;
    if (!data) throw new Error('the run’s preference data is missing from storage');
    const latest = await this.store.latestCheckpoint(runId);
    const ckpt = latest?.checkpoint;
    const step = latest?.step ?? 0;
    // Anything logged after the checkpoint is replayed by the resumed run.
    await this.store.rewindTo(runId, step);
    const points = (await this.store.getMetrics(runId)) as MetricPoint[];
    const sampleSets = await this.store.getSamples<SampleView>(runId);
    return {
      record,
      saved,
      data,
      snapshot: ckpt ? { step, params: ckpt.params, optimizer: ckpt.optimizer ?? [] } : null,
      points,
      samples: sampleSets.at(-1)?.samples ?? [],
    };
  }

  /** The stored metric points of DPO runs, with their settings (the charts' overlay). */
  async histories(ids: readonly string[]): Promise<RunMetrics[]> {
    await this.flush();
    const out: RunMetrics[] = [];
    for (const id of ids) {
      const record = await this.store.getRun(id);
      const saved = readSavedSettings(record?.settings);
      if (!record || saved?.kind !== 'dpo') continue;
      const points = (await this.store.getMetrics(id)) as MetricPoint[];
      const options = saved.options;
      out.push({
        id,
        name: record.name,
        settings: saved.settings,
        ...(options ? { options } : {}),
        points,
      });
    }
    return out;
  }

  async list(): Promise<{ runs: RunListItem[]; storage: StorageSummary }> {
    await this.flush();
    const [records, usage] = await Promise.all([this.store.listRuns(), this.store.usage()]);
    const bytes = new Map(usage.runs.map((r) => [r.id, r.bytes]));
    const runs = records.map((r): RunListItem => {
      const saved = readSavedSettings(r.settings);
      return {
        id: r.id,
        name: r.name,
        kind: saved?.kind ?? 'dpo',
        status: r.status,
        step: r.step,
        totalSteps: r.totalSteps,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
        preset: r.model.preset,
        lossType: saved?.kind === 'dpo' ? saved.settings.loss.type : null,
        beta: saved?.kind === 'dpo' ? saved.settings.loss.beta : null,
        dataName: saved?.kind === 'dpo' ? saved.dataName : null,
        summary: r.summary ?? {},
        bytes: bytes.get(r.id) ?? 0,
        lastCheckpointStep: r.lastCheckpointStep ?? null,
      };
    });
    const datasetBytes = usage.datasets.reduce((a, d) => a + d.bytes, 0);
    return {
      runs,
      storage: {
        totalBytes: usage.totalBytes,
        datasetBytes,
        quota: usage.quota ?? null,
        usage: usage.usage ?? null,
      },
    };
  }

  rename(id: string, name: string) {
    return this.write(() => this.store.renameRun(id, name));
  }

  remove(id: string) {
    return this.write(() => this.store.deleteRun(id));
  }

  prune(id: string) {
    return this.write(() => this.store.pruneCheckpoints(id, 1));
  }
}

function summary(c: GPTConfig): RunRecord['model'] {
  const preset = Object.entries(PRESETS).find(
    ([, p]) => p.nLayer === c.nLayer && p.nHead === c.nHead && p.nEmbd === c.nEmbd,
  )?.[0];
  return {
    preset: preset ?? `${c.nLayer}L/${c.nHead}H/${c.nEmbd}`,
    nLayer: c.nLayer,
    nHead: c.nHead,
    nEmbd: c.nEmbd,
    vocabSize: c.vocabSize,
    blockSize: c.blockSize,
  };
}
