/**
 * `npm run soak`: 5,000 DPO steps of the nano preset through the real DpoRun (built-in task,
 * shipped checkpoint public/checkpoints/sft-nano.json), logging tf.memory() and the JS heap
 * every 250 steps; writes bench/results/soak-<date>.json and a PASS/FAIL line (rule in
 * src/bench/soakVerdict.ts). Run with `node --expose-gc` so the heap is sampled after a full
 * GC (without it the heap figure includes garbage not yet collected).
 * Options: --backend wasm|cpu|webgpu (default wasm) --steps 5000 --every 250
 * --eval-every 1000 (evaluations inside the soak, so generation is soaked too) --out <file>
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { type SoakSample, soakVerdict } from '../src/bench/soakVerdict';
import { loadCheckpoint } from '../src/model/checkpoint';
import { DEFAULT_DPO_SETTINGS, DpoRun } from '../src/pipeline/dpoRun';
import { builtinFrontierTask } from '../src/pipeline/frontier/task';
import { BpeTokenizer } from '../src/tokenizer/bpe';
import { isoDate, machineInfo } from './machine';
import { selectNodeBackend } from './nodeBackend';

const CHECKPOINT = 'public/checkpoints/sft-nano.json';

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      steps: { type: 'string', default: '5000' },
      every: { type: 'string', default: '250' },
      'eval-every': { type: 'string', default: '1000' },
      out: { type: 'string' },
    },
  });
  const steps = Number(a.steps);
  const every = Number(a.every);
  const evalEvery = Number(a['eval-every']);
  if (!(steps >= 4 * every && steps % every === 0)) {
    throw new Error('--steps must be a multiple of --every and at least 4 intervals');
  }
  await selectNodeBackend(a.backend ?? 'wasm');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) console.warn('no global gc(): run with node --expose-gc for a steadier heap figure');

  const { model: sft, checkpoint } = loadCheckpoint(
    JSON.parse(readFileSync(CHECKPOINT, 'utf8')),
    false,
  );
  const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
  const settings = {
    ...DEFAULT_DPO_SETTINGS,
    steps,
    rounds: 1, // one set of pairs: a steady loop, no online resampling
    eval: { ...DEFAULT_DPO_SETTINGS.eval, every: evalEvery },
  };
  // builtinFrontierTask reads only the prompt counts of a sweep's data and eval sections.
  const counts = { data: settings.data, eval: settings.eval } as unknown as Parameters<
    typeof builtinFrontierTask
  >[1];
  const task = builtinFrontierTask(tokenizer, counts);
  const t0 = performance.now();
  const run = await DpoRun.prepare(sft, task, settings);
  const prepareSeconds = (performance.now() - t0) / 1000;
  console.log(
    `soak: ${steps} steps, nano, backend ${tf.getBackend()}, ${run.data.pairs.length} pairs ` +
      `(prepared in ${prepareSeconds.toFixed(0)} s)`,
  );

  const samples: SoakSample[] = [];
  const t1 = performance.now();
  while (!run.done) {
    await run.trainStep();
    if (run.step % every !== 0) continue;
    gc?.();
    const m = tf.memory();
    const sample = {
      step: run.step,
      numTensors: m.numTensors,
      numBytes: m.numBytes,
      heapUsed: process.memoryUsage().heapUsed,
    };
    samples.push(sample);
    const sec = (performance.now() - t1) / 1000;
    console.log(
      `step ${sample.step}: ${sample.numTensors} tensors, ${sample.numBytes} bytes, heap ` +
        `${(sample.heapUsed / 2 ** 20).toFixed(1)} MB (${sec.toFixed(0)} s)`,
    );
  }
  const trainSeconds = (performance.now() - t1) / 1000;
  const verdict = soakVerdict(samples, steps);
  run.dispose();
  sft.dispose();

  const out = resolve(a.out ?? join('bench', 'results', `soak-${isoDate()}.json`));
  mkdirSync(dirname(out), { recursive: true });
  const result = {
    machine: machineInfo(),
    backend: tf.getBackend(),
    preset: 'nano',
    checkpoint: CHECKPOINT,
    steps,
    sampleEvery: every,
    evalEvery,
    gcBeforeSample: Boolean(gc),
    pairs: run.data.pairs.length,
    prepareSeconds,
    trainSeconds,
    msPerStep: (trainSeconds * 1000) / steps,
    rule:
      'tensors: numTensors and numBytes equal in every sample (the first is after the warm-up ' +
      'interval); heap: median heapUsed of the last quarter within ±10% of the second quarter',
    verdict,
    samples,
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`${verdict.line}\nwrote ${out}`);
  if (!verdict.pass) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
