/**
 * What a shipped SFT checkpoint is worth as π_ref: the fluency and ground-truth reward of its
 * samples at temperature 1 on held-out prompts, with the generation settings of the demo's
 * evaluation. Used by `npm run pretrain:torch`; run on its own to measure any checkpoint:
 *   node --import tsx scripts/pretrain-measure.ts public/checkpoints/sft-nano.json [prompts]
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../src/model/checkpoint';
import { generate } from '../src/model/generate';
import type { GPT } from '../src/model/gpt';
import { DEFAULT_DPO_SETTINGS } from '../src/pipeline/settings';
import { builtinPrompts, builtinTask } from '../src/task/builtin';
import { fluency } from '../src/task/fluency';
import { groundTruthReward } from '../src/task/reward';
import { BpeTokenizer } from '../src/tokenizer/bpe';
import { sequenceLogprob } from '../src/worker/exports';

/** Held-out prompts for the fluency figure start here: past every demo's train/eval prompts. */
export const FLUENCY_PROMPT_OFFSET = 1000;

/** Σ_{t≥1} log p(ids_t | ids_<t) under the app's model: the sum `logprob(text)` reports. */
export async function textLogProb(model: GPT, ids: number[]): Promise<number> {
  const x = tf.tensor2d([ids], [1, ids.length], 'int32');
  const lp = tf.tidy(() => {
    const logits = model.forward(x);
    const [, T, V] = logits.shape;
    const logp = tf.logSoftmax(tf.slice(logits, [0, 0, 0], [1, T - 1, V]));
    return tf.sum(tf.mul(logp, tf.oneHot(tf.slice(x, [0, 1], [1, T - 1]), V)));
  });
  const v = (await lp.data())[0] ?? Number.NaN;
  tf.dispose([x, lp]);
  return v;
}

export interface SampleMeasure {
  fluency: number;
  reward: number;
  samples: { prompt: string; text: string; reward: number; cut: boolean }[];
}

export async function measureSamples(
  model: GPT,
  tokenizer: BpeTokenizer,
  prompts: string[],
  opts: { seed: number; temperature?: number; maxNewTokens?: number; chunk?: number },
): Promise<SampleMeasure> {
  const e = DEFAULT_DPO_SETTINGS.eval;
  const samples: SampleMeasure['samples'] = [];
  const chunk = opts.chunk ?? 64;
  for (let i = 0; i < prompts.length; i += chunk) {
    const group = prompts.slice(i, i + chunk);
    const g = await generate(
      model,
      group.map((p) => [tokenizer.eot, ...tokenizer.encode(p)]),
      {
        temperature: opts.temperature ?? e.temperature,
        topK: 0,
        topP: 1,
        maxNewTokens: opts.maxNewTokens ?? e.maxNewTokens,
        seed: opts.seed + i,
        eotId: tokenizer.eot,
      },
    );
    group.forEach((prompt, j) => {
      const text = tokenizer.decode((g.tokens[j] ?? []).filter((id) => id !== tokenizer.eot));
      const cut = !(g.finished[j] ?? false);
      samples.push({ prompt, text, reward: groundTruthReward(text, prompt), cut });
    });
  }
  const reward = samples.reduce((s, x) => s + x.reward, 0) / Math.max(1, samples.length);
  return { fluency: fluency(samples), reward, samples };
}

async function cli(path: string, count: number): Promise<void> {
  await tf.setBackend('cpu');
  const { model, checkpoint } = loadCheckpoint(JSON.parse(readFileSync(path, 'utf8')), false);
  const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
  const { heldOut } = builtinTask();
  const prompts = builtinPrompts(heldOut, count, FLUENCY_PROMPT_OFFSET);
  const m = await measureSamples(model, tokenizer, prompts, { seed: 1 });
  const lp = await sequenceLogprob(model, tokenizer, heldOut[0]?.text ?? '');
  console.log(
    `${path}: fluency ${m.fluency.toFixed(4)}, reward ${m.reward.toFixed(4)} on ${prompts.length} held-out prompts (temperature 1); logprob(held-out review 0) ${lp.logprob.toFixed(4)}`,
  );
  for (const s of m.samples.slice(0, 8)) console.log(`  ${s.prompt} ⟶ ${s.text}`);
  model.dispose();
}

if (process.argv[1]?.endsWith('pretrain-measure.ts')) {
  cli(process.argv[2] ?? 'public/checkpoints/sft-nano.json', Number(process.argv[3] ?? 128)).catch(
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
