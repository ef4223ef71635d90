/**
 * What the run store keeps: plain, structured-clone-able records. Weights stay Float32Array
 * (IndexedDB stores typed arrays natively), never base64.
 */
import type { GPTConfig } from '../model/config';
import type { CpuTensor, NamedCpuTensor } from '../model/weights';
import type { TokenizerJSON } from '../tokenizer/bpe';

type RunStatus = 'running' | 'paused' | 'done' | 'failed' | 'interrupted';

/** The model a run trains: its preset name and, when known, its size. */
interface ModelSummary {
  preset: string;
  nLayer?: number;
  nHead?: number;
  nEmbd?: number;
  vocabSize?: number;
  blockSize?: number;
  parameters?: number;
}

export interface RunRecord {
  id: string;
  name: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
  status: RunStatus;
  /** The run's DpoRunSettings as JSON; the store does not read it. */
  settings: unknown;
  model: ModelSummary;
  /** Content hash of the dataset the run trains on (see putDataset). */
  datasetId?: string;
  step: number;
  totalSteps: number;
  /** Set only by putCheckpoint / pruneCheckpoints, in the transaction that writes the checkpoint. */
  lastCheckpointStep?: number;
  summary?: Record<string, number>;
  error?: string;
}

/** What createRun needs; the rest gets defaults (status 'running', step 0, a fresh id). */
export type NewRun = Pick<RunRecord, 'name' | 'settings' | 'model' | 'totalSteps'> &
  Partial<Pick<RunRecord, 'id' | 'status' | 'datasetId' | 'step' | 'summary' | 'error'>>;

/** Fields updateRun may change; ids, timestamps and lastCheckpointStep are the store's. */
export type RunPatch = Partial<
  Omit<RunRecord, 'id' | 'createdAt' | 'updatedAt' | 'lastCheckpointStep'>
>;

/** One logged point (structurally a worker MetricPoint). */
export interface StoredMetricPoint {
  step: number;
  [key: string]: number | string;
}

/** A row-major float32 tensor: the one CPU copy type (model/weights.ts). */
type StoredTensor = CpuTensor;

/** π_θ at one step, with the optimizer's slots so training resumes where it stopped. */
export interface StoredCheckpoint {
  /** GPT-2 parameter name → tensor. */
  params: Record<string, StoredTensor>;
  /** The optimizer's variables in tf.Optimizer.getWeights() order (iterations first). */
  optimizer?: NamedCpuTensor[];
  config: GPTConfig;
  tokenizer?: TokenizerJSON;
  meta?: Record<string, string | number>;
}

export interface SampleSet<T = unknown> {
  step: number;
  samples: T[];
}

export interface DatasetRecord<T = unknown> {
  /** SHA-256 (hex) of the data's canonical JSON. */
  id: string;
  name: string;
  createdAt: number;
  bytes: number;
  data: T;
}

export interface StorageUsage {
  /** Estimated bytes per run (record, metrics, samples, checkpoints), newest run first. */
  runs: { id: string; bytes: number }[];
  /** Datasets are shared between runs, so they are counted on their own. */
  datasets: { id: string; bytes: number }[];
  totalBytes: number;
  /** The origin's quota and usage from navigator.storage.estimate(), when available. */
  quota?: number;
  usage?: number;
}

export function assertStep(step: number): void {
  if (!Number.isFinite(step)) throw new Error(`step must be a finite number, got ${step}`);
}

/** Catches a truncated or mis-shaped tensor before it is stored as a resumable checkpoint. */
export function validateCheckpoint(c: StoredCheckpoint): void {
  const tensors = [
    ...Object.entries(c.params),
    ...(c.optimizer ?? []).map((t): [string, typeof t] => [t.name, t]),
  ];
  for (const [name, t] of tensors) {
    if (!(t.data instanceof Float32Array)) throw new Error(`${name}: data must be a Float32Array`);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) {
      throw new Error(
        `${name}: shape [${t.shape.join(', ')}] needs ${size} values, got ${t.data.length}`,
      );
    }
  }
}

/**
 * The learner's labels of one SFT model (the labelling mode), stored whole: a set is small
 * (≈ 1 kB a label) and each edit rewrites it in one transaction. T: data/labels' LabelledPair.
 */
export interface LabelSetRecord<T = unknown> {
  /** Which π_ref the labels' token ids belong to (its checkpoint URL or stored run id). */
  id: string;
  updatedAt: number;
  labels: T[];
}
