/**
 * The frontier panel's "Export as TRL job": the sweep configured in the panel, from the current
 * SFT model (π_ref), as the job folder `npm run frontier -- CONFIG --export-trl DIR` writes
 * (trlJobFiles.ts), zipped. The templates are the repository's files, bundled as text.
 */
import { strToU8, zipSync } from 'fflate';
// Root-relative (Vite resolves `/` to the repository): the templates live outside src/, in
// trljob/ and python/, where the Node export and the Python tests read them too.
import requirements from '/python/requirements.txt?raw';
import jobPy from '/trljob/job.py?raw';
import readme from '/trljob/README.md?raw';
import rewardPy from '/trljob/reward.py?raw';
import samplingPy from '/trljob/sampling.py?raw';
import trainersPy from '/trljob/trainers.py?raw';
import {
  parseSweepConfig,
  type SweepConfig,
  type SweepInput,
} from '../pipeline/frontier/sweepConfig';
import { type TrlJobTemplates, trlJobFiles } from '../pipeline/frontier/trlJobFiles';
import type { ExportedFile } from './exports';
import type { SftModel } from './sftModel';

export const TRL_JOB_TEMPLATES: TrlJobTemplates = {
  'job.py': jobPy,
  'sampling.py': samplingPy,
  'trainers.py': trainersPy,
  'reward.py': rewardPy,
  'README.md': readme,
  'requirements.txt': requirements,
};

/** What sweep.json names as the sweep's config: the file beside it in the folder. */
const CONFIG_NAME = 'frontier-config.json';

/**
 * The sweep as the job's frontier-config.json: `checkpoint` is what the Node runner would load.
 * A shipped checkpoint is the repository's public/checkpoints/ file; any other π_ref (trained
 * or imported on the page) exists only as the job's model/ folder, which the runner cannot
 * load (--replot, the way results come back, loads no model).
 */
export function browserSweep(input: SweepInput, sft: Pick<SftModel, 'source'>): SweepConfig {
  const sweep = parseSweepConfig(input);
  const url = sft.source?.kind === 'url' ? sft.source.url : '';
  const shipped = /(?:^|\/)checkpoints\/([\w.-]+\.json)$/.exec(url)?.[1];
  return { ...sweep, checkpoint: shipped ? `public/checkpoints/${shipped}` : 'model' };
}

/** The job folder as a .zip whose one top folder is `<sweep name>-trl-job/`. */
export async function trlJobZip(input: SweepInput, sft: SftModel): Promise<ExportedFile> {
  const sweep = browserSweep(input, sft);
  // The panel's sweep evaluates on the test prompts, as the browser's sweep does (task.ts).
  const files = await trlJobFiles(
    sweep,
    'test',
    CONFIG_NAME,
    sft.model,
    sft.tokenizer,
    TRL_JOB_TEMPLATES,
  );
  const folder = `${sweep.name}-trl-job`;
  const entries: Record<string, Uint8Array> = {};
  for (const [name, f] of Object.entries(files)) {
    entries[`${folder}/${name}`] = typeof f === 'string' ? strToU8(f) : f;
  }
  const zip = zipSync(entries, { level: 6 });
  const bytes = zip.buffer.slice(zip.byteOffset, zip.byteOffset + zip.byteLength) as ArrayBuffer;
  return { name: `${folder}.zip`, mime: 'application/zip', bytes };
}
