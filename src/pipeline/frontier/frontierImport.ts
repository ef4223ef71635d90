/**
 * "Open a frontier" (issue 26): a finished sweep's results read back into the frontier panel,
 * the TRL job's (trljob/job.py) or the Node runner's (`npm run frontier`): its points.json and
 * summary.json, picked together or zipped. Pure, no tfjs: the panel parses in the page.
 */
import { unzipSync } from 'fflate';
import { z } from 'zod';
import { previewValue } from '../../util/preview';
import { ALGORITHM_IDS } from '../algorithms/registry';
import type { FrontierPoint } from './points';

const num = z.number('must be a finite number');
const count = (min: number) => z.number().int('must be an integer').min(min, `must be ≥ ${min}`);

/** One point as points.json writes it (points.ts FrontierPoint); other keys are dropped. */
const pointSchema = z.object({
  runId: z.string().min(1, 'must not be empty'),
  algorithm: z.enum(ALGORITHM_IDS, { error: `must be one of ${ALGORITHM_IDS.join(', ')}` }),
  label: z.string(),
  step: count(0),
  seed: count(0).optional(),
  n: count(1).optional(),
  kl: num,
  klStderr: num.min(0, 'must be ≥ 0'),
  klKind: z.enum(['exact', 'analytic']),
  reward: num,
  rewardStderr: num.min(0, 'must be ≥ 0'),
  samples: count(0),
  sample: z.string().optional(),
  validationReward: num.optional(),
});

/** points.json: the sweep's meta (name, backend, …) and its points. */
const pointsFileSchema = z.object({
  name: z.string(),
  backend: z.string().optional(),
  points: z.array(pointSchema).min(1, 'holds no points'),
});

/** summary.json: the meta, the sweep and one summary per run and seed. */
const summaryFileSchema = z.object({
  name: z.string(),
  backend: z.string().optional(),
  sweep: z.object({}).loose(),
  runs: z.array(z.object({ runId: z.string(), label: z.string() }).loose()),
});

/** A sweep's results as the panel draws them beside its own runs. */
export interface ImportedFrontier {
  /** Unique among the imports: every point's runId is `${id}/${its own runId}`. */
  id: string;
  name: string;
  /** Where the curves come from, as their labels end: "TRL job" or "app runner". */
  source: string;
  /** The files read, for the list of imports. */
  files: string[];
  points: FrontierPoint[];
}

interface PickedFile {
  name: string;
  bytes: Uint8Array;
}

const WANTED =
  'pick a sweep’s results: its points.json and summary.json together, or a .zip of its results folder';

const isZip = (f: PickedFile) =>
  f.name.toLowerCase().endsWith('.zip') || (f.bytes[0] === 0x50 && f.bytes[1] === 0x4b);

/** The JSON files of a zip (any folder; macOS resource forks skipped). */
function zipEntries(f: PickedFile): PickedFile[] {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(f.bytes, { filter: (e) => e.name.toLowerCase().endsWith('.json') });
  } catch (e) {
    throw new Error(`${f.name}: not a readable .zip (${e instanceof Error ? e.message : e})`);
  }
  return Object.entries(entries)
    .filter(([name]) => !name.startsWith('__MACOSX/'))
    .map(([name, bytes]) => ({ name: `${f.name}/${name}`, bytes }));
}

function parseJson(f: PickedFile): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(f.bytes));
  } catch {
    throw new Error(`${f.name}: not JSON text; ${WANTED}`);
  }
}

/** "file: points[3].kl: must be a finite number (got "x")", at most three of them. */
function issues(file: string, error: z.ZodError, value: unknown): string {
  const lines = error.issues.slice(0, 3).map((i) => {
    const path = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`));
    let got: unknown = value;
    for (const p of i.path) got = (got as Record<PropertyKey, unknown> | undefined)?.[p];
    const where = path.join('').replace(/^\./, '') || '(root)';
    return `${file}: ${where}: ${i.message}${got === undefined ? '' : ` (got ${previewValue(got)})`}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return `${lines.join('; ')}${more}`;
}

/**
 * The results in `picked` (JSON files and .zip files, any names): exactly one points.json and
 * at most one summary.json of the same sweep. Throws an Error whose message says what is wrong
 * and with which file; `id` prefixes the run ids.
 */
export function parseFrontierResults(picked: readonly PickedFile[], id: string): ImportedFrontier {
  if (picked.length === 0) throw new Error(`no file: ${WANTED}`);
  const files = picked.flatMap((f) => (isZip(f) ? zipEntries(f) : [f]));
  const points: { file: string; data: z.output<typeof pointsFileSchema> }[] = [];
  const summaries: { file: string; data: z.output<typeof summaryFileSchema> }[] = [];
  for (const f of files) {
    const json = parseJson(f);
    const kind = typeof json === 'object' && json !== null ? json : {};
    if ('points' in kind) {
      const r = pointsFileSchema.safeParse(json);
      if (!r.success) throw new Error(issues(f.name, r.error, json));
      points.push({ file: f.name, data: r.data });
    } else if ('runs' in kind && 'sweep' in kind) {
      const r = summaryFileSchema.safeParse(json);
      if (!r.success) throw new Error(issues(f.name, r.error, json));
      summaries.push({ file: f.name, data: r.data });
    } else if (!f.name.includes('.zip/')) {
      // A zip may hold other JSON (the job's sweep.json, trainer states); a picked file may not.
      throw new Error(`${f.name}: neither a points.json nor a summary.json; ${WANTED}`);
    }
  }
  const [p, ...morePoints] = points;
  if (!p)
    throw new Error(`no points.json among ${picked.map((f) => f.name).join(', ')}; ${WANTED}`);
  if (morePoints.length > 0 || summaries.length > 1) {
    throw new Error(
      `several sweeps’ results (${[...points, ...summaries].map((x) => x.file).join(', ')}): open one at a time`,
    );
  }
  const s = summaries[0];
  if (s && s.data.name !== p.data.name) {
    throw new Error(
      `${s.file} is of sweep “${s.data.name}”, ${p.file} of “${p.data.name}”: pick the two files of one results folder`,
    );
  }
  const backend = p.data.backend ?? s?.data.backend ?? '';
  const source = backend.startsWith('trl') ? 'TRL job' : 'app runner';
  return {
    id,
    name: p.data.name,
    source,
    files: [p.file, ...(s ? [s.file] : [])],
    points: p.data.points.map((pt) => ({
      ...pt,
      runId: `${id}/${pt.runId}`,
      label: `${pt.label} (${source})`,
    })),
  };
}
