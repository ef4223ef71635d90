/**
 * `npm run verify:experiments [-- --only beta-direction,ipo-margin] [--seeds 1,2,3]`: runs each
 * guided experiment on the shipped micro checkpoint (WASM backend, the worker's DpoRun) for
 * every seed, reads the outcome as the app does, and records per seed whether the phenomenon
 * appeared in the stated direction and its measured effect, merged into
 * src/pipeline/experiments/results.json (a fast test checks that file), then rewrites the
 * measured table of docs/experiments.md from it (`--docs`: only the docs, with the closed-form
 * table recomputed).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../src/model/checkpoint';
import { closedFormTable, withClosedFormTable } from '../src/pipeline/closedForm/docTable';
import { EXPERIMENTS_DOC, updateMeasuredBlock } from '../src/pipeline/experiments/docTable';
import { EXPERIMENTS, judge } from '../src/pipeline/experiments/experiments';
import type { ExperimentResults } from '../src/pipeline/experiments/results';
import { runExperiment } from '../src/pipeline/experiments/runExperiment';
import { BpeTokenizer } from '../src/tokenizer/bpe';

const OUT = 'src/pipeline/experiments/results.json';

async function main() {
  const { values: a } = parseArgs({
    options: {
      only: { type: 'string', default: '' },
      seeds: { type: 'string', default: '1,2,3' },
      checkpoint: { type: 'string', default: 'public/checkpoints/sft-micro.json' },
      docs: { type: 'boolean', default: false },
    },
  });
  if (a.docs) {
    // The closed-form table is computed on the CPU backend, as its test recomputes it.
    await tf.setBackend('cpu');
    const table = await closedFormTable();
    writeDocs(JSON.parse(readFileSync(OUT, 'utf8')) as ExperimentResults, table);
    return;
  }
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  const { model: sft, checkpoint } = loadCheckpoint(
    JSON.parse(readFileSync(a.checkpoint ?? '', 'utf8')),
    false,
  );
  const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
  const only = (a.only ?? '').split(',').filter(Boolean);
  const seeds = (a.seeds ?? '').split(',').map(Number);
  const results: ExperimentResults = existsSync(OUT)
    ? (JSON.parse(readFileSync(OUT, 'utf8')) as ExperimentResults)
    : { model: 'micro', backend: 'wasm', experiments: {} };
  for (const exp of EXPERIMENTS) {
    if (only.length > 0 && !only.includes(exp.id)) continue;
    const prev = results.experiments[exp.id]?.seeds ?? [];
    const kept = prev.filter((r) => !seeds.includes(r.seed));
    for (const seed of seeds) {
      const t0 = performance.now();
      const runs = await runExperiment(sft, tokenizer, exp, seed);
      const seconds = (performance.now() - t0) / 1000;
      const r = judge(exp, runs, null);
      console.log(
        `${exp.id} seed ${seed}: ${r.holds ? 'holds' : 'DOES NOT HOLD'} (${r.answer}) ${seconds.toFixed(0)} s — ${r.happened}`,
      );
      kept.push({ seed, answer: r.answer, holds: r.holds, effect: r.effect, seconds });
    }
    kept.sort((x, y) => x.seed - y.seed);
    results.experiments[exp.id] = { expected: exp.expected, seeds: kept };
    writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  }
  sft.dispose();
  writeDocs(results);
}

function writeDocs(results: ExperimentResults, closedForm?: string) {
  const text = readFileSync(EXPERIMENTS_DOC, 'utf8');
  const measured = updateMeasuredBlock(text, results, EXPERIMENTS);
  const next = closedForm ? withClosedFormTable(measured, closedForm) : measured;
  if (next !== text) writeFileSync(EXPERIMENTS_DOC, next);
  console.log(`${EXPERIMENTS_DOC}: ${next === text ? 'up to date' : 'rewritten'}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
