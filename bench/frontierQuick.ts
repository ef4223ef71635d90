/**
 * The browser's quick like-for-like sweep (the frontier panel's default, quickSweep.ts), timed
 * headless: `node --import tsx bench/frontierQuick.ts [--backend wasm] [--checkpoint path]`.
 * The same code the worker runs (runSweep per seed, the built-in task's test prompts), in Node
 * with tfjs's WASM backend standing in for the browser's (no GPU); prints the wall time and
 * writes bench/results/<date>-frontier-quick.json with the machine and its load. The issue's
 * bar: within 5 minutes on a 2-core machine without a GPU.
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../src/model/checkpoint';
import { selectNodeBackend } from '../src/node/backend';
import { buildSweep, OFFERED, QUICK_PRESET } from '../src/pipeline/frontier/quickSweep';
import { runSweep } from '../src/pipeline/frontier/sweep';
import { parseSweepConfig } from '../src/pipeline/frontier/sweepConfig';
import { builtinFrontierTask } from '../src/pipeline/frontier/task';
import { BpeTokenizer } from '../src/tokenizer/bpe';
import { sweepFacts } from '../src/ui/panels/frontierFacts';

const { values: a } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    checkpoint: { type: 'string', default: 'public/checkpoints/sft-micro.json' },
  },
});
await selectNodeBackend(a.backend ?? 'wasm');
const { model, checkpoint } = loadCheckpoint(
  JSON.parse(readFileSync(a.checkpoint ?? '', 'utf8')),
  false,
);
const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
const sweep = parseSweepConfig(
  buildSweep({
    on: Object.fromEntries(OFFERED.map((id) => [id, true])),
    betas: QUICK_PRESET.betas.split(',').map(Number),
    steps: QUICK_PRESET.updates,
    prompts: QUICK_PRESET.prompts,
    evalPrompts: QUICK_PRESET.evalPrompts,
    evalEvery: QUICK_PRESET.evalEvery,
    seeds: QUICK_PRESET.seeds,
  }),
);
const task = builtinFrontierTask(tokenizer, sweep);
const load = loadavg();
const t0 = performance.now();
const summaries = [];
const seeds: { seed: number; seconds: number }[] = [];
for (const seed of sweep.seeds) {
  const r = await runSweep(sweep, model, task, {}, seed);
  summaries.push(...r.runs);
  seeds.push({ seed, seconds: r.seconds });
  console.log(`seed ${seed}: ${r.seconds.toFixed(0)} s`);
}
const seconds = (performance.now() - t0) / 1000;
const facts = sweepFacts([{ summaries }]);
const result = {
  what: 'the frontier panel’s quick like-for-like sweep, headless (Node, tfjs backend below)',
  date: new Date().toISOString(),
  backend: tf.getBackend(),
  checkpoint: a.checkpoint,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  loadAverageAtStart: load.map((x) => Number(x.toFixed(2))),
  loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))),
  runs: sweep.runs.length,
  seeds,
  seconds: Math.round(seconds),
  budgetSentence: facts.budget,
  withinFiveMinutes: seconds <= 300,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  `bench/results/${result.date.slice(0, 10)}-frontier-quick.json`,
  `${JSON.stringify(result, null, 2)}\n`,
);
model.dispose();
