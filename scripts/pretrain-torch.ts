/**
 * `npm run pretrain:torch -- --preset micro`: a shipped SFT checkpoint trained in PyTorch (CPU),
 * 16–52× faster per step than tfjs WASM in Node. The whole chain, reproducible for the options:
 *  1. the built-in corpus (src/task/builtin.ts) → the app's BPE (src/tokenizer/) → token
 *     streams, written with the tokenizer and a job file to --work;
 *  2. python/pretrain_gpt.py (the venv of scripts/py-env.sh) trains the app's GPT, seeded, on
 *     a fixed number of torch threads, and writes the checkpoint in the app's format;
 *  3. here again, the app loads it (tfjs CPU backend) and must reproduce PyTorch's log-probs
 *     of held-out reviews within --tol nats, else the script fails; it measures π_ref's
 *     fluency and reward at temperature 1 on held-out prompts, stamps them into `meta`, and
 *     writes the parity fixture that src/model/torchCheckpoint.cpu-only.test.ts checks.
 * Options: --preset --steps --batch --lr --vocab --block --seed --threads --wd --out --work
 * --tol --prompts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { type CheckpointJSON, loadCheckpoint } from '../src/model/checkpoint';
import { makeConfig, type PresetName, parameterCount } from '../src/model/config';
import { tokenStream } from '../src/pipeline/sftData';
import { builtinPrompts, builtinTask } from '../src/task/builtin';
import { BpeTokenizer } from '../src/tokenizer/bpe';
import { FLUENCY_PROMPT_OFFSET, measureSamples, textLogProb } from './pretrain-measure';

const { values: a } = parseArgs({
  options: {
    preset: { type: 'string', default: 'micro' },
    steps: { type: 'string', default: '1500' },
    batch: { type: 'string', default: '32' },
    lr: { type: 'string', default: '3e-3' },
    vocab: { type: 'string', default: '1024' },
    block: { type: 'string', default: '64' },
    seed: { type: 'string', default: '1' },
    threads: { type: 'string', default: '1' },
    wd: { type: 'string', default: '0.01' },
    tol: { type: 'string', default: '1e-4' },
    prompts: { type: 'string', default: '128' },
    out: { type: 'string' },
    work: { type: 'string' },
  },
});

const PARITY_ROWS = 8;

async function main() {
  const preset = a.preset as PresetName;
  const out = a.out ?? `public/checkpoints/sft-${preset}.json`;
  const work = a.work ?? join('bench/tmp', `pretrain-torch-${preset}`);
  mkdirSync(work, { recursive: true });
  const settings = {
    steps: Number(a.steps),
    batchSize: Number(a.batch),
    blockSize: Number(a.block),
    lr: Number(a.lr),
    warmupSteps: 100,
    maxGradNorm: 1,
    weightDecay: Number(a.wd),
    seed: Number(a.seed),
    threads: Number(a.threads),
    logEvery: 100,
  };

  // 1. Corpus, tokenizer, streams.
  const t0 = performance.now();
  const { train, heldOut } = builtinTask();
  const tokenizer = BpeTokenizer.train(
    train.map((r) => `${r.text}\n`),
    Number(a.vocab),
  );
  const encode = (docs: string[]) =>
    tokenStream(
      docs.map((d) => tokenizer.encode(d)),
      tokenizer.eot,
    );
  const config = makeConfig({
    preset,
    vocabSize: tokenizer.vocabSize,
    blockSize: settings.blockSize,
  });
  const trainStream = encode(train.map((r) => r.text));
  writeFileSync(join(work, 'train.bin'), Buffer.from(trainStream.buffer));
  writeFileSync(join(work, 'heldout.bin'), Buffer.from(encode(heldOut.map((r) => r.text)).buffer));
  writeFileSync(join(work, 'tokenizer.json'), JSON.stringify(tokenizer.toJSON()));
  const parityTexts = heldOut.slice(0, PARITY_ROWS).map((r) => r.text);
  const parityRows = parityTexts.map((t) =>
    [tokenizer.eot, ...tokenizer.encode(t)].slice(0, settings.blockSize),
  );
  const meta = {
    trainedBy: `npm run pretrain:torch -- --preset ${preset}`,
    preset,
    steps: settings.steps,
    batch: settings.batchSize,
    lr: settings.lr,
    weightDecay: settings.weightDecay,
    seed: settings.seed,
    backend: 'pytorch-cpu',
  };
  writeFileSync(
    join(work, 'job.json'),
    JSON.stringify({ config, settings, parityRows, meta, out }),
  );
  console.log(
    `${train.length} reviews, ${trainStream.length} tokens, vocab ${tokenizer.vocabSize}, ${preset}: ${parameterCount(config)} parameters (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
  );

  // 2. PyTorch.
  const python = execFileSync('bash', ['scripts/py-env.sh'], { encoding: 'utf8' }).trim();
  const r = spawnSync(python, ['python/pretrain_gpt.py', work], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`python/pretrain_gpt.py failed (${r.status ?? r.signal})`);

  // 3. The app reads it back: parity, then fluency and reward of π_ref's samples.
  await tf.setBackend('cpu');
  const ckpt = JSON.parse(readFileSync(out, 'utf8')) as CheckpointJSON;
  const { model } = loadCheckpoint(ckpt, false);
  const torchLogps = (
    JSON.parse(readFileSync(join(work, 'parity.json'), 'utf8')) as { logprobs: number[] }
  ).logprobs;
  const appLogps: number[] = [];
  for (const ids of parityRows) appLogps.push(await textLogProb(model, ids));
  const worst = Math.max(...appLogps.map((v, i) => Math.abs(v - (torchLogps[i] ?? Number.NaN))));
  console.log(
    `parity: max |app − torch| = ${worst.toExponential(2)} nats over ${PARITY_ROWS} rows`,
  );
  if (!(worst <= Number(a.tol))) throw new Error(`parity failed: ${worst} > ${a.tol}`);

  const prompts = builtinPrompts(heldOut, Number(a.prompts), FLUENCY_PROMPT_OFFSET);
  const m = await measureSamples(model, tokenizer, prompts, { seed: 1 });
  console.log(
    `π_ref at temperature 1 on ${prompts.length} held-out prompts: fluency ${m.fluency.toFixed(4)}, reward ${m.reward.toFixed(4)}`,
  );
  for (const s of m.samples.slice(0, 6)) console.log(`  ${s.prompt} ⟶ ${s.text}`);
  model.dispose();

  ckpt.meta = {
    ...ckpt.meta,
    fluency: Number(m.fluency.toFixed(4)),
    fluencyPrompts: prompts.length,
    refReward: Number(m.reward.toFixed(4)),
    parityMaxAbs: Number(worst.toExponential(2)),
  };
  writeFileSync(out, JSON.stringify(ckpt));
  writeFileSync(
    `src/model/sft-${preset}-parity.fixture.json`,
    `${JSON.stringify({ checkpoint: out, texts: parityTexts, torchLogprobs: torchLogps }, null, 2)}\n`,
  );
  console.log(`wrote ${out} (${(readFileSync(out).length / 1e6).toFixed(2)} MB)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
