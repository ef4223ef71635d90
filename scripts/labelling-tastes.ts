/**
 * `npm run verify:labelling`, or `node --import tsx scripts/labelling-tastes.ts
 * [--tastes praise,acting,personal] [--seeds 1,2,3] [--methods labels,word-reward]
 * [--orders sampled,new-words] [--labels 48] [--out results/labelling-tastes.json] [--append]`: scripted content tastes
 * learned from ≤ 48 decided labels (src/pipeline/labelling/tasteExperiment.ts), on the micro
 * checkpoint and the WASM backend like the browser. Prints one JSON line per taste × method ×
 * seed and, with --out, writes them with the agreement pooled per taste, method and label
 * budget (Wilson 95 % interval). The label budgets of the docs:
 * `… --methods word-reward --labels 16,32 --out results/labelling-tastes.json --append`.
 * `… --split validation`: the agreement round from validation prompts, to tune on.
 * `… --docs`: only rewrites docs/labelling.md's generated blocks from the committed results.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../src/model/checkpoint';
import type { PairOrder } from '../src/pipeline/labelling/pairChoice';
import {
  rewriteTasteBlocks,
  type TasteResultsJson,
  type TasteValidationJson,
} from '../src/pipeline/labelling/tasteDocs';
import {
  runTaste,
  sampleTasteData,
  TASTE_SIZES,
  TASTE_TRAINING,
  type TasteMethod,
  type TasteResult,
} from '../src/pipeline/labelling/tasteExperiment';
import { pooledAgreement } from '../src/pipeline/labelling/tastePool';
import type { LabelRule } from '../src/task/labelRules';
import { BpeTokenizer } from '../src/tokenizer/bpe';

const RESULTS = 'results/labelling-tastes.json';
const DOCS = 'docs/labelling.md';
const VALIDATION = 'results/labelling-validation.json';

async function main() {
  const { values: a } = parseArgs({
    options: {
      tastes: { type: 'string', default: 'praise,acting,personal' },
      seeds: { type: 'string', default: '1,2,3' },
      methods: { type: 'string', default: 'labels,word-reward' },
      /** The orders pairs are shown in (pipeline/labelling/pairChoice.ts). */
      orders: { type: 'string', default: 'sampled,new-words' },
      steps: { type: 'string' },
      lr: { type: 'string' },
      beta: { type: 'string' },
      pool: { type: 'string' },
      margin: { type: 'string' },
      l1: { type: 'string' },
      k: { type: 'string' },
      support: { type: 'string' },
      /** Decided labels per run, comma-separated budgets. */
      labels: { type: 'string', default: '48' },
      append: { type: 'boolean', default: false },
      docs: { type: 'boolean', default: false },
      /** Score agreement on validation prompts (to tune), not the test round (to report). */
      split: { type: 'string', default: 'test' },
      checkpoint: { type: 'string', default: 'public/checkpoints/sft-micro.json' },
      out: { type: 'string' },
    },
  });
  if (a.docs) {
    const results = JSON.parse(readFileSync(RESULTS, 'utf8')) as TasteResultsJson;
    const validation = JSON.parse(readFileSync(VALIDATION, 'utf8')) as TasteValidationJson;
    writeFileSync(DOCS, rewriteTasteBlocks(readFileSync(DOCS, 'utf8'), results, validation));
    console.log(`rewrote the labelling blocks of ${DOCS} from ${RESULTS}`);
    return;
  }
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  const { model: sft, checkpoint } = loadCheckpoint(
    JSON.parse(readFileSync(a.checkpoint ?? '', 'utf8')),
    false,
  );
  const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
  // --append: add to the runs already in --out (another label budget), pooled again.
  const results: TasteResult[] =
    a.append && a.out && existsSync(a.out)
      ? (JSON.parse(readFileSync(a.out, 'utf8')) as { runs: TasteResult[] }).runs
      : [];
  for (const seed of (a.seeds ?? '').split(',').map(Number)) {
    const sizes = {
      ...TASTE_SIZES,
      ...(a.pool ? { poolPrompts: Number(a.pool) } : {}),
      ...(a.k ? { poolK: Number(a.k) } : {}),
    };
    const split = a.split === 'validation' ? 'validation' : 'test';
    const samples = await sampleTasteData(sft, tokenizer, sizes, seed, split);
    // Label budgets share the seed's samples: the labeller stops earlier.
    for (const budget of (a.labels ?? '').split(',').map(Number)) {
      for (const taste of (a.tastes ?? '').split(',') as LabelRule[]) {
        for (const [method, order] of (a.methods ?? '')
          .split(',')
          .flatMap((m) => (a.orders ?? '').split(',').map((o) => [m, o] as const)) as [
          TasteMethod,
          PairOrder,
        ][]) {
          const base = TASTE_TRAINING[method];
          const training = {
            ...base,
            ...(a.steps ? { steps: Number(a.steps) } : {}),
            ...(a.lr ? { lr: Number(a.lr) } : {}),
            ...(a.beta ? { beta: Number(a.beta) } : {}),
            ...(a.margin ? { minMargin: Number(a.margin) } : {}),
            ...(a.l1 ? { l1: Number(a.l1) } : {}),
            ...(a.support ? { minSupport: Number(a.support) } : {}),
          };
          const r = await runTaste(
            sft,
            tokenizer,
            samples,
            taste,
            method,
            seed,
            { ...sizes, labels: budget },
            training,
            order,
          );
          console.log(JSON.stringify(r));
          results.push(r);
        }
      }
    }
  }
  const pooled = pooledAgreement(results);
  for (const p of pooled) console.log(JSON.stringify(p));
  if (a.out) writeResults(a.out, a.checkpoint ?? '', pooled, results);
}

function writeResults(
  out: string,
  checkpoint: string,
  pooled: ReturnType<typeof pooledAgreement>,
  runs: TasteResult[],
) {
  mkdirSync(dirname(out), { recursive: true });
  const body = {
    command: 'npm run verify:labelling (scripts/labelling-tastes.ts)',
    checkpoint,
    backend: 'wasm',
    sizes: TASTE_SIZES,
    training: TASTE_TRAINING,
    pooled,
    runs,
  };
  writeFileSync(out, `${JSON.stringify(body, null, 2)}\n`);
}

void main();
