/**
 * `npm run pretrain`: the SFT model the playground starts from (the paper's "SFT on IMDb"),
 * trained in Node on the built-in review corpus and written to public/checkpoints/.
 * Seeded and reproducible on one backend. Options: --preset nano --steps 1500 --batch 16
 * --lr 3e-3 --vocab 512 --block 64 --backend wasm|cpu --out public/checkpoints/sft-nano.json
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { saveCheckpoint } from '../src/model/checkpoint';
import { makeConfig, type PresetName, parameterCount } from '../src/model/config';
import { generate } from '../src/model/generate';
import { GPT } from '../src/model/gpt';
import { makeOptimizer, setLearningRate } from '../src/pipeline/optim';
import { batchTensors } from '../src/pipeline/preferenceStep';
import { tokenStream, windowSampler } from '../src/pipeline/sftData';
import { SFT_METRIC_KEYS, sftStep } from '../src/pipeline/sftStep';
import { builtinPrompts, builtinTask } from '../src/task/builtin';
import { BpeTokenizer } from '../src/tokenizer/bpe';

const { values: a } = parseArgs({
  options: {
    preset: { type: 'string', default: 'nano' },
    steps: { type: 'string', default: '1500' },
    batch: { type: 'string', default: '16' },
    lr: { type: 'string', default: '3e-3' },
    vocab: { type: 'string', default: '512' },
    block: { type: 'string', default: '64' },
    seed: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'wasm' },
    out: { type: 'string' },
  },
});

async function main() {
  const preset = a.preset as PresetName;
  const steps = Number(a.steps);
  const B = Number(a.batch);
  const lr = Number(a.lr);
  const seed = Number(a.seed);
  const out = a.out ?? `public/checkpoints/sft-${preset}.json`;
  await tf.setBackend(a.backend ?? 'wasm');
  const t0 = performance.now();

  const { train, heldOut } = builtinTask();
  const tokenizer = BpeTokenizer.train(
    train.map((r) => `${r.text}\n`),
    Number(a.vocab),
  );
  const config = makeConfig({ preset, vocabSize: tokenizer.vocabSize, blockSize: Number(a.block) });
  console.log(
    `${train.length} reviews, vocab ${tokenizer.vocabSize}, ${preset}: ${parameterCount(config)} parameters, backend ${tf.getBackend()}`,
  );
  const stream = tokenStream(
    train.map((r) => tokenizer.encode(r.text)),
    tokenizer.eot,
  );
  const heldStream = tokenStream(
    heldOut.map((r) => tokenizer.encode(r.text)),
    tokenizer.eot,
  );
  const T = config.blockSize;
  const next = windowSampler(stream, B, T, seed);
  const model = GPT.create(config, seed);
  const opt = makeOptimizer({ kind: 'adam', lr, warmupSteps: 50, maxGradNorm: 1 });
  const warmup = 50;
  let loss = Number.NaN;
  for (let step = 0; step < steps; step++) {
    // Linear warm-up, then cosine decay to 10% of lr.
    const p = Math.max(0, step - warmup) / Math.max(1, steps - warmup);
    const rate =
      step < warmup ? (lr * (step + 1)) / warmup : lr * (0.1 + 0.45 * (1 + Math.cos(Math.PI * p)));
    setLearningRate(opt, rate);
    const t = batchTensors(next());
    const packed = sftStep(model, opt, t, 1);
    tf.dispose([t.ids, t.attentionMask, t.completionMask]);
    if (step % 100 === 0 || step === steps - 1) {
      const v = await packed.data();
      loss = v[0] ?? Number.NaN;
      const secs = ((performance.now() - t0) / 1000).toFixed(0);
      console.log(
        `step ${step} ${SFT_METRIC_KEYS[0]} ${loss.toFixed(3)} grad_norm ${(v[1] ?? 0).toFixed(2)} (${secs} s)`,
      );
    }
    packed.dispose();
  }

  // Held-out loss over 20 batches.
  const held = windowSampler(heldStream, B, T, seed + 1);
  let heldLoss = 0;
  for (let i = 0; i < 20; i++) {
    const t = batchTensors(held());
    const l = tf.tidy(() => {
      const logits = model.forward(t.ids);
      return tf.losses.softmaxCrossEntropy(
        tf.oneHot(tf.slice(t.ids, [0, 1], [B, T - 1]), config.vocabSize),
        tf.slice(logits, [0, 0, 0], [B, T - 1, config.vocabSize]),
      );
    });
    heldLoss += ((await l.data())[0] ?? 0) / 20;
    tf.dispose([l, t.ids, t.attentionMask, t.completionMask]);
  }
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
    steps,
    batch: B,
    lr,
    seed,
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
