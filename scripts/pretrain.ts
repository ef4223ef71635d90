/**
 * `npm run pretrain`: the SFT model the playground starts from (the paper's "SFT on IMDb"),
 * trained in Node on the built-in review corpus and written to public/checkpoints/.
 * Seeded and reproducible on one backend. Options: --preset nano --steps 2000 --batch 16
 * --lr 3e-3 --vocab 512 --block 64 --backend wasm|cpu --out public/checkpoints/sft-nano.json
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { saveCheckpoint } from '../src/model/checkpoint';
import { type PresetName, parameterCount } from '../src/model/config';
import { generate } from '../src/model/generate';
import { PRETRAIN_SETTINGS, SftRun, type SftSettings } from '../src/pipeline/sftRun';
import { builtinPrompts, builtinTask } from '../src/task/builtin';

const D = PRETRAIN_SETTINGS;
const { values: a } = parseArgs({
  options: {
    preset: { type: 'string', default: D.preset },
    steps: { type: 'string', default: String(D.steps) },
    batch: { type: 'string', default: String(D.batchSize) },
    lr: { type: 'string', default: String(D.lr) },
    vocab: { type: 'string', default: String(D.vocabSize) },
    block: { type: 'string', default: String(D.blockSize) },
    seed: { type: 'string', default: String(D.seed) },
    backend: { type: 'string', default: 'wasm' },
    out: { type: 'string' },
  },
});

async function main() {
  const preset = a.preset as PresetName;
  const settings: SftSettings = {
    ...PRETRAIN_SETTINGS,
    preset,
    steps: Number(a.steps),
    batchSize: Number(a.batch),
    lr: Number(a.lr),
    vocabSize: Number(a.vocab),
    blockSize: Number(a.block),
    seed: Number(a.seed),
  };
  const out = a.out ?? `public/checkpoints/sft-${preset}.json`;
  await tf.setBackend(a.backend ?? 'wasm');
  const t0 = performance.now();

  const { train, heldOut } = builtinTask();
  const run = SftRun.create(
    train.map((r) => r.text),
    heldOut.map((r) => r.text),
    settings,
    {
      onMetrics: (p) => {
        const secs = ((performance.now() - t0) / 1000).toFixed(0);
        console.log(
          `step ${p.step} loss ${Number(p.loss).toFixed(3)} grad_norm ${Number(p.grad_norm).toFixed(2)} (${secs} s)`,
        );
      },
    },
  );
  const { model, tokenizer } = run;
  console.log(
    `${train.length} reviews, vocab ${tokenizer.vocabSize}, ${preset}: ${parameterCount(model.config)} parameters, backend ${tf.getBackend()}`,
  );
  while (!run.done) await run.trainStep();
  const loss = run.lastLoss;
  const heldLoss = await run.heldOutLoss();
  const seconds = (performance.now() - t0) / 1000;
  console.log(`held-out loss ${heldLoss.toFixed(3)}; ${seconds.toFixed(0)} s`);

  const prompts = builtinPrompts(heldOut, 5, 0);
  const g = await generate(
    model,
    prompts.map((p) => [tokenizer.eot, ...tokenizer.encode(p)]),
    { temperature: 1, topK: 0, topP: 1, maxNewTokens: 32, seed: 1, eotId: tokenizer.eot },
  );
  prompts.forEach((p, i) => {
    const ids = (g.tokens[i] ?? []).filter((id) => id !== tokenizer.eot);
    console.log(`  ${p} ⟶ ${tokenizer.decode(ids)}`);
  });

  const ckpt = await saveCheckpoint(model, tokenizer.toJSON(), {
    trainedBy: 'npm run pretrain',
    preset,
    steps: settings.steps,
    batch: settings.batchSize,
    lr: settings.lr,
    seed: settings.seed,
    backend: tf.getBackend(),
    finalTrainLoss: Number(loss.toFixed(4)),
    heldOutLoss: Number(heldLoss.toFixed(4)),
    seconds: Math.round(seconds),
  });
  writeFileSync(out, JSON.stringify(ckpt));
  console.log(`wrote ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
