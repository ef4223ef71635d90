/**
 * `node --import tsx scripts/trl-kl-fixture.ts --out DIR`: the app's side of the TRL job's
 * evaluation and training parity test (issue 26, python/test_trl_kl.py). Writes to DIR
 *   job/        a TRL job on the micro SFT model (writeTrlJob, as `--export-trl`) of a sweep of
 *               SFT, DPO with each objective and Preferred-FT: job.py, reward.py and its
 *               lexicon, π_ref as model/, and sweep.json, whose plans the test trains with;
 *   policy/     a perturbed copy of π_ref as a Hugging Face folder (π_θ), a few nats away;
 *   eval.json   test prompts, π_θ's samples of them (token ids) and the app's own evaluation of
 *               them (frontierEval.ts evaluateFrontier: r* and the exact per-token KL per sample,
 *               means and standard errors) at a temperature other than 1;
 *               and 16 pairs of π_ref samples, the loss of each of a few DPO, SimPO and
 *               Preferred-FT updates of π_ref on all 16 (the app's PreferenceTrainer and
 *               PairFinetuner, as a sweep's runs train), each trained policy's summed log-probs
 *               of every completion, and every objective's step-0 loss on the batch.
 * The Python test scores the same ids and trains on the same pairs with trljob/job.py's own
 * functions and TRL trainers, and compares.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../src/model/checkpoint';
import { generate, plainSampling } from '../src/model/generate';
import type { GPT } from '../src/model/gpt';
import { exportHfGpt2 } from '../src/model/hf/gpt2';
import { selectNodeBackend } from '../src/node/backend';
import {
  DEFAULT_LOSS,
  LOSS_SETTINGS,
  LOSS_TYPES,
  type PreferenceLossType,
} from '../src/objectives/lossConfig';
import { type CollateOptions, collatePairs, type TokenizedPair } from '../src/pipeline/collate';
import { evaluatePolicy } from '../src/pipeline/evaluate';
import { tokenizePrompts } from '../src/pipeline/frontier/data';
import { PairFinetuner } from '../src/pipeline/frontier/finetune';
import { evaluateFrontier } from '../src/pipeline/frontier/frontierEval';
import { parseSweepConfig } from '../src/pipeline/frontier/sweepConfig';
import { builtinFrontierTask } from '../src/pipeline/frontier/task';
import { writeTrlJob } from '../src/pipeline/frontier/trlJobWrite';
import { referenceLogps } from '../src/pipeline/preferenceStep';
import { PreferenceTrainer, precomputeReference } from '../src/pipeline/preferenceTrainer';
import { BpeTokenizer } from '../src/tokenizer/bpe';
import { readSettings } from '../src/util/setting';

const CHECKPOINT = 'public/checkpoints/sft-micro.json';
const PROMPTS = 48; // one generate call (frontierEval's 64 rows), prompts of several lengths
const TEMPERATURE = 0.8;
const MAX_NEW_TOKENS = 16;
const SEED = 4242;
const NOISE = 0.02; // σ of the Gaussian added to every weight of π_θ
/** The DPO updates: every step the whole batch of PAIRS, so the batch order cannot differ. */
const TRAIN = { pairs: 16, steps: 6, beta: 1, lr: 2e-4, warmupSteps: 3, maxGradNorm: 10 };

function perturb(model: GPT): void {
  let i = 0;
  for (const v of model.params.values()) {
    i += 1;
    tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, NOISE, 'float32', SEED + i))));
  }
}

type Trainable = {
  trainStep(log: boolean): Promise<Record<string, number> | null>;
  dispose(): void;
};

/**
 * TRAIN.steps updates of a copy of π_ref by `make` (the whole batch every step): the loss of each
 * step, and the trained model's Σ_t log π(y_t) of each chosen, then each rejected completion.
 */
async function trainCopy(
  reference: GPT,
  pairs: TokenizedPair[],
  collate: CollateOptions,
  steps: number,
  make: (policy: GPT) => Trainable,
) {
  const policy = reference.clone(true);
  const trainer = make(policy);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) losses.push((await trainer.trainStep(true))?.loss ?? Number.NaN);
  const after = await referenceLogps(policy, collatePairs(pairs, collate));
  trainer.dispose();
  policy.dispose();
  const B = pairs.length;
  return {
    losses,
    chosenLogps: Array.from(after.sum.slice(0, B)),
    rejectedLogps: Array.from(after.sum.slice(B, 2 * B)),
  };
}

/**
 * Pairs of π_ref's own samples (chosen: the first of two) and, on all of them every step, the
 * app's trainers: TRAIN.steps DPO updates (PreferenceTrainer, as a sweep's DPO run trains), the
 * same for SimPO and Preferred-FT (PairFinetuner: the chosen completions' token-mean NLL), and
 * the step-0 loss of each other preference objective (a loss TRL must equal to be wired).
 */
async function trainPairs(reference: GPT, prompts: number[][], eot: number) {
  const rows = prompts.slice(0, TRAIN.pairs).flatMap((p) => [p, p]);
  const g = await generate(
    reference,
    rows,
    plainSampling({ temperature: 1, maxNewTokens: MAX_NEW_TOKENS, seed: SEED + 1, eotId: eot }),
  );
  const pairs: TokenizedPair[] = prompts.slice(0, TRAIN.pairs).map((prompt, i) => ({
    prompt,
    chosen: g.tokens[2 * i] ?? [],
    rejected: g.tokens[2 * i + 1] ?? [],
  }));
  const collate = { padId: eot, maxLength: reference.config.blockSize };
  const cached = await precomputeReference(reference, pairs, collate, TRAIN.pairs);
  const optim = { kind: 'adam' as const, ...TRAIN };
  const cfg = { optim, batchSize: TRAIN.pairs, seed: 1 };
  const preference = (type: PreferenceLossType, steps: number) => {
    const loss = readSettings(LOSS_SETTINGS, { type, beta: TRAIN.beta }).value;
    return trainCopy(reference, pairs, collate, steps, (policy) => {
      return new PreferenceTrainer(policy, pairs, cached, { ...cfg, loss }, collate);
    });
  };
  const stepZero: Partial<Record<PreferenceLossType, number>> = {};
  for (const type of LOSS_TYPES) stepZero[type] = (await preference(type, 1)).losses[0];
  return {
    ...TRAIN,
    pairs: pairs.map((p) => ({
      prompt_ids: p.prompt,
      chosen_ids: p.chosen,
      rejected_ids: p.rejected,
    })),
    ...(await preference('sigmoid', TRAIN.steps)),
    /** Each objective's default hyperparameters (lossConfig.ts), under their settings' keys. */
    lossDefaults: DEFAULT_LOSS,
    stepZero,
    trained: {
      simpo: await preference('simpo', TRAIN.steps),
      chosenFt: await trainCopy(reference, pairs, collate, TRAIN.steps, (policy) => {
        return new PairFinetuner(policy, pairs, cfg, collate);
      }),
    },
  };
}

async function writeHf(dir: string, model: GPT, tokenizer: BpeTokenizer): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const { files } = await exportHfGpt2(model, tokenizer);
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  if (!values.out) throw new Error('usage: scripts/trl-kl-fixture.ts --out <dir>');
  const out = resolve(values.out);
  await selectNodeBackend('wasm');
  const json: unknown = JSON.parse(readFileSync(CHECKPOINT, 'utf8'));
  const { model: reference, checkpoint } = loadCheckpoint(json, false);
  const { model: policy } = loadCheckpoint(json, false);
  perturb(policy);
  const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
  const sweep = parseSweepConfig({
    name: 'trl-kl-fixture',
    checkpoint: CHECKPOINT,
    data: { prompts: 8 },
    eval: { prompts: PROMPTS, maxNewTokens: MAX_NEW_TOKENS, temperature: TEMPERATURE },
    // One run per trainer and objective the Python test trains or checks (their TRL plans).
    runs: [
      { algorithm: 'sft' },
      ...LOSS_TYPES.map((loss) => ({ algorithm: 'dpo', loss, beta: TRAIN.beta })),
      { algorithm: 'preferred-ft' },
    ],
  });
  const task = builtinFrontierTask(tokenizer, sweep);
  const prompts = tokenizePrompts(tokenizer, task.evalPrompts);
  const opts = {
    maxNewTokens: MAX_NEW_TOKENS,
    temperature: TEMPERATURE,
    seed: SEED,
    eotId: tokenizer.eot,
    decode: (ids: number[]) => tokenizer.decode(ids),
    reward: task.reward,
  };
  const app = await evaluateFrontier(policy, reference, prompts, opts);
  // The same generate call (one chunk, the same seed) for the token ids evaluateFrontier keeps to itself.
  const sampled = await evaluatePolicy(
    policy,
    reference,
    prompts.map((p) => p.ids),
    {
      generation: plainSampling({ ...opts }),
      padId: tokenizer.eot,
      decode: opts.decode,
      reward: opts.reward,
    },
  );
  const kls = sampled.samples.map((s) => s.kl);
  if (kls.some((k, i) => k !== app.kls[i]))
    throw new Error('the two evaluations sampled differently');
  await writeTrlJob(join(out, 'job'), sweep, 'test', CHECKPOINT);
  await writeHf(join(out, 'policy'), policy, tokenizer);
  const fixture = {
    note: 'scripts/trl-kl-fixture.ts: the app evaluation (frontierEval.ts) of policy/ against reference/',
    temperature: TEMPERATURE,
    eot: tokenizer.eot,
    prompts: prompts.map((p) => ({ text: p.text, ids: p.ids })),
    completions: sampled.samples.map((s) => s.tokens),
    texts: sampled.samples.map((s) => s.text),
    kls: app.kls,
    rewards: app.rewards,
    kl: app.kl,
    klStderr: app.klStderr,
    reward: app.reward,
    rewardStderr: app.rewardStderr,
    train: await trainPairs(
      reference,
      prompts.map((p) => p.ids),
      tokenizer.eot,
    ),
  };
  writeFileSync(join(out, 'eval.json'), `${JSON.stringify(fixture)}\n`);
  const cut = sampled.samples.filter((s) => s.tokens.at(-1) !== tokenizer.eot).length;
  console.log(
    `wrote ${out}: ${prompts.length} samples (${cut} cut at ${MAX_NEW_TOKENS} tokens), KL ${app.kl.toFixed(3)} ± ${app.klStderr.toFixed(3)}, reward ${app.reward.toFixed(3)}`,
  );
}

await main();
