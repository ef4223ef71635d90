/**
 * The app's half of the Hugging Face / TRL round-trip test (python/interop_test.py drives it).
 *
 *   export DIR: from the shipped SFT model, samples built-in pairs, trains π_θ a few DPO steps,
 *     writes DIR/ref and DIR/policy (Hugging Face GPT-2 folders), DIR/pairs.trl.jsonl (the TRL
 *     export), and DIR/app.json: token ids of probe texts, their log-probs under both models,
 *     the pairs tokenised as TRL would and as the old convention did, and the app's metrics.
 *   import DIR/saved: imports a folder written by transformers' save_pretrained and writes
 *     DIR/app-import.json with the probe texts' ids and log-probs under it.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { toTrlJsonl, trlPairsFromTokens } from '../../src/data/export';
import type { PreferencePair } from '../../src/data/layouts';
import { encodeWithEot, type PairConvention, tokenizePair } from '../../src/data/trlTokenize';
import { fitTokenPairs, type TokenPair } from '../../src/data/truncation';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { generate } from '../../src/model/generate';
import type { GPT } from '../../src/model/gpt';
import { exportHfGpt2, importHfGpt2 } from '../../src/model/hf/gpt2';
import { tokenLogProbs } from '../../src/objectives/logprobs';
import { DEFAULT_LOSS } from '../../src/objectives/lossConfig';
import { PREFERENCE_METRIC_KEYS } from '../../src/objectives/metrics';
import { collatePairs } from '../../src/pipeline/collate';
import { DEFAULT_OPTIM } from '../../src/pipeline/optim';
import { preferenceObjective, referenceLogps } from '../../src/pipeline/preferenceStep';
import { PreferenceTrainer, precomputeReference } from '../../src/pipeline/preferenceTrainer';
import { batchTensors } from '../../src/pipeline/train/tensors';
import { builtinPrompts, builtinTask } from '../../src/task/builtin';
import { BpeTokenizer, EOT_TEXT } from '../../src/tokenizer/bpe';

/** Probe texts: plain, U+0085 and U+FEFF (JavaScript and Python disagree on them), digits, emoji, a literal EOT. */
export const PROBES = [
  'The movie was great, and the acting was superb.',
  'I did not like it at all; the plot was thin.',
  'a \ufeffb and a \x85b',
  'Ratings: 4/10, 7.5 stars!  Two spaces\tand a tab\n',
  'café naïve 😀 — “quoted”',
  'ends here<|endoftext|> and goes on',
];

const BETA = DEFAULT_LOSS.beta;
const PAIRS = 16;

/** [eot, ...text] as HF reads it (a literal "<|endoftext|>" is the token), cut to the context. */
function probeIds(tokenizer: BpeTokenizer, text: string, blockSize: number): number[] {
  return [tokenizer.eot, ...encodeWithEot(tokenizer, text)].slice(0, blockSize);
}

async function sequenceLogprob(model: GPT, ids: number[]): Promise<number> {
  const x = tf.tensor2d([ids], [1, ids.length], 'int32');
  const lp = tf.tidy(() => tf.sum(tokenLogProbs(model.forward(x), x)));
  const v = (await lp.data())[0] ?? Number.NaN;
  tf.dispose([x, lp]);
  return v;
}

async function probes(model: GPT, tokenizer: BpeTokenizer) {
  const out = [];
  for (const text of PROBES) {
    const ids = probeIds(tokenizer, text, model.config.blockSize);
    out.push({ text, ids, logprob: await sequenceLogprob(model, ids) });
  }
  return out;
}

/** The DPO metrics of π_θ against π_ref on all pairs in one batch (TRL's names). */
async function metrics(policy: GPT, reference: GPT, pairs: TokenPair[], eot: number) {
  const collate = { padId: eot, maxLength: policy.config.blockSize };
  const batch = collatePairs(pairs, collate);
  const ref = await referenceLogps(reference, batch);
  const t = batchTensors(batch);
  const o = preferenceObjective(policy, t, ref, { ...DEFAULT_LOSS, beta: BETA }, pairs.length);
  const v = Array.from(await o.metrics.data());
  tf.dispose([t.ids, t.attentionMask, t.completionMask, o.loss, o.metrics, o.perPair]);
  return Object.fromEntries(PREFERENCE_METRIC_KEYS.map((k, i) => [k, v[i]]));
}

function tokenise(
  tokenizer: BpeTokenizer,
  pairs: PreferencePair[],
  convention: PairConvention,
  blockSize: number,
): TokenPair[] {
  const lead = convention === 'eot-prompt' ? 1 : 0;
  return pairs.map((p) => {
    const ids = tokenizePair(tokenizer, p, convention);
    const fit = fitTokenPairs([{ ...ids, prompt: ids.prompt.slice(lead) }], blockSize - lead);
    const t = fit.pairs[0];
    if (!t) throw new Error(`pair does not fit: ${JSON.stringify(p).slice(0, 80)}`);
    return { ...t, prompt: [...ids.prompt.slice(0, lead), ...t.prompt] };
  });
}

async function plainMetrics(
  policy: GPT,
  reference: GPT,
  tokenizer: BpeTokenizer,
  texts: PreferencePair[],
) {
  const strip = (t: string) => t.split(EOT_TEXT).join('');
  // Pairs with an empty completion once stripped are left out (the old convention drops them).
  const plain = texts
    .map((p) => ({ prompt: strip(p.prompt), chosen: strip(p.chosen), rejected: strip(p.rejected) }))
    .filter((p) => p.chosen !== '' && p.rejected !== '');
  const T = policy.config.blockSize;
  return {
    plainPairs: plain.length,
    metricsPlainTrl: await metrics(
      policy,
      reference,
      tokenise(tokenizer, plain, 'trl', T),
      tokenizer.eot,
    ),
    metricsPlainOld: await metrics(
      policy,
      reference,
      tokenise(tokenizer, plain, 'eot-prompt', T),
      tokenizer.eot,
    ),
  };
}

async function writeHf(dir: string, model: GPT, tokenizer: BpeTokenizer) {
  mkdirSync(dir, { recursive: true });
  const { files } = await exportHfGpt2(model, tokenizer);
  for (const [name, f] of Object.entries(files)) writeFileSync(join(dir, name), f);
}

async function exportSide(dir: string) {
  const t0 = performance.now();
  const json = JSON.parse(readFileSync('public/checkpoints/sft-nano.json', 'utf8'));
  const { model: reference, checkpoint } = loadCheckpoint(json, false);
  const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
  const T = reference.config.blockSize;
  // Built-in pairs: π_ref samples two completions of each prompt; the first is "chosen"
  // (labels do not matter for parity, only that both sides see the same pairs).
  const prompts = builtinPrompts(builtinTask().heldOut, PAIRS, 0);
  const promptIds = prompts.map((p) => [tokenizer.eot, ...tokenizer.encode(p)]);
  const g = await generate(
    reference,
    promptIds.flatMap((p) => [p, p]),
    { temperature: 1, topK: 0, topP: 1, maxNewTokens: 24, seed: 7, eotId: tokenizer.eot },
  );
  const builtin: TokenPair[] = promptIds.map((prompt, i) => ({
    prompt,
    chosen: g.tokens[2 * i] ?? [],
    rejected: g.tokens[2 * i + 1] ?? [],
  }));
  const endedWithEot = g.tokens.filter((t) => t[t.length - 1] === tokenizer.eot).length;

  // A few DPO steps (lr high enough that π_θ moves visibly away from π_ref).
  const policy = reference.clone(true);
  const collate = { padId: tokenizer.eot, maxLength: T };
  const refCache = await precomputeReference(reference, builtin, collate, 8);
  const trainer = new PreferenceTrainer(
    policy,
    builtin,
    refCache,
    {
      loss: { ...DEFAULT_LOSS, beta: BETA },
      optim: { ...DEFAULT_OPTIM, lr: 2e-3, warmupSteps: 0 },
      batchSize: 8,
      seed: 1,
    },
    collate,
  );
  for (let i = 0; i < 3; i++) await trainer.trainStep(false);

  await writeHf(join(dir, 'ref'), reference, tokenizer);
  await writeHf(join(dir, 'policy'), policy, tokenizer);
  // The TRL export of built-in pairs: the sampled ids' text, end-of-text kept.
  const texts = trlPairsFromTokens(builtin, (ids) => tokenizer.decode(ids));
  writeFileSync(join(dir, 'pairs.trl.jsonl'), toTrlJsonl(texts));

  // The same file as the app imports it now (TRL's way) and as it did before (old convention).
  const trl = tokenise(tokenizer, texts, 'trl', T);
  const old = tokenise(tokenizer, texts, 'eot-prompt', T);
  const same = (a: TokenPair, b: TokenPair | undefined) => JSON.stringify(a) === JSON.stringify(b);
  // TRL's ids less the EOS it appends after a completion that did not end with one.
  const eosCut = (t: TokenPair | undefined): TokenPair | undefined => {
    if (!t) return t;
    const cut = (c: number[], sampled: number[]) =>
      sampled[sampled.length - 1] === tokenizer.eot ? c : c.slice(0, -1);
    const i = trl.indexOf(t);
    const b = builtin[i] ?? t;
    return {
      prompt: t.prompt,
      chosen: cut(t.chosen, b.chosen),
      rejected: cut(t.rejected, b.rejected),
    };
  };
  const out = {
    blockSize: T,
    beta: BETA,
    pairs: texts.length,
    builtinEndedWithEot: endedWithEot,
    builtinCompletions: g.tokens.length,
    builtinIdsEqualTrl: builtin.filter((b, i) => same(b, trl[i])).length,
    builtinIdsEqualTrlButEos: builtin.filter((b, i) => !same(b, trl[i]) && same(b, eosCut(trl[i])))
      .length,
    trlIds: trl,
    oldIds: old,
    probesRef: await probes(reference, tokenizer),
    probesPolicy: await probes(policy, tokenizer),
    metricsTrl: await metrics(policy, reference, trl, tokenizer.eot),
    metricsOld: await metrics(policy, reference, old, tokenizer.eot),
    metricsBuiltin: await metrics(policy, reference, builtin, tokenizer.eot),
    // The same pairs as plain text (no "<|endoftext|>" written in them), both conventions.
    ...(await plainMetrics(policy, reference, tokenizer, texts)),
    seconds: (performance.now() - t0) / 1000,
  };
  writeFileSync(join(dir, 'app.json'), JSON.stringify(out));
  console.log(`app export: ${texts.length} pairs, π_θ after 3 steps, ${out.seconds.toFixed(1)} s`);
}

async function importSide(folder: string, outFile: string) {
  const files: Record<string, Uint8Array> = {};
  // Node Buffers as they come (pooled, any byteOffset): the importer must cope.
  for (const name of readdirSync(folder)) files[name] = readFileSync(join(folder, name));
  let r: ReturnType<typeof importHfGpt2>;
  try {
    r = importHfGpt2(files, { trainable: false });
  } catch (e) {
    // A refusal is an answer the Python side checks (e.g. a padded vocabulary).
    writeFileSync(outFile, JSON.stringify({ error: e instanceof Error ? e.message : String(e) }));
    console.log(`app import of ${folder}: refused`);
    return;
  }
  writeFileSync(
    outFile,
    JSON.stringify({
      files: Object.keys(files).sort(),
      warnings: r.warnings,
      activation: r.model.config.activation ?? 'gelu_new',
      probes: await probes(r.model, r.tokenizer),
    }),
  );
  console.log(
    `app import of ${folder}: ${Object.keys(files).length} files, ${r.warnings.length} warnings`,
  );
}

async function main() {
  await tf.setBackend('cpu');
  const [mode, dir, out] = process.argv.slice(2);
  if (mode === 'export' && dir) await exportSide(dir);
  else if (mode === 'import' && dir && out) await importSide(dir, out);
  else throw new Error('usage: app-side.ts export DIR | import FOLDER OUT.json');
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
