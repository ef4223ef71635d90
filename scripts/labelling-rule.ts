/**
 * `node --import tsx scripts/labelling-rule.ts [--rules shorter,exclaim,words] [--labels 48]
 * [--steps 60] [--lr 2e-4]`: which scripted labeller's taste DPO learns from a few dozen labels
 * (defaults: the app's default settings, in one round).
 * For each rule: label π_ref's pairs of the labelling prompts, train DPO (the worker's DpoRun,
 * one offline round) on the labels that are not held out, then print the agreement of the
 * implicit reward with the rule on fresh pairs and the rule's statistic in π_ref's and π_θ's
 * samples of fresh prompts. Uses the micro checkpoint on the WASM backend, like the browser.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { LABEL_PROMPT_OFFSET, TEST_PROMPT_OFFSET } from '../src/data/labels';
import { loadCheckpoint } from '../src/model/checkpoint';
import { agreement } from '../src/objectives/agreement';
import { DpoRun } from '../src/pipeline/dpoRun';
import {
  measureWhatChanged,
  pairLogps,
  sampleCandidates,
} from '../src/pipeline/labelling/labelling';
import { DEFAULT_DPO_SETTINGS, type DpoRunSettings } from '../src/pipeline/settings';
import { builtinPrompts, builtinTask } from '../src/task/builtin';
import { applyRule, type LabelRule } from '../src/task/labelRules';
import { groundTruthReward } from '../src/task/reward';
import { BpeTokenizer } from '../src/tokenizer/bpe';

async function main() {
  const { values: a } = parseArgs({
    options: {
      rules: { type: 'string', default: 'shorter,exclaim,words' },
      labels: { type: 'string', default: '48' },
      test: { type: 'string', default: '64' },
      steps: { type: 'string', default: '60' },
      lr: { type: 'string', default: '2e-4' },
      beta: { type: 'string', default: '0.1' },
      seed: { type: 'string', default: '1' },
      checkpoint: { type: 'string', default: 'public/checkpoints/sft-micro.json' },
    },
  });
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  const { model: sft, checkpoint } = loadCheckpoint(
    JSON.parse(readFileSync(a.checkpoint ?? '', 'utf8')),
    false,
  );
  const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
  const { heldOut } = builtinTask();
  const gen = { temperature: 1, maxNewTokens: 16 };
  const seed = Number(a.seed);
  const labelPrompts = builtinPrompts(heldOut, Number(a.labels), LABEL_PROMPT_OFFSET);
  const testPrompts = builtinPrompts(heldOut, Number(a.test), TEST_PROMPT_OFFSET);
  const t0 = performance.now();
  const cands = await sampleCandidates(sft, tokenizer, labelPrompts, gen, seed);
  const tests = await sampleCandidates(sft, tokenizer, testPrompts, gen, seed + 1);
  console.log(
    `sampled ${cands.length} + ${tests.length} pairs in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  for (const rule of (a.rules ?? '').split(',') as LabelRule[]) {
    const labelled = cands
      .map((c) => ({ c, choice: applyRule(rule, c.a, c.b) }))
      .filter((l) => l.choice !== 'tie');
    const asPair = ({ c, choice }: (typeof labelled)[number]) =>
      choice === 'a'
        ? { prompt: c.promptIds, chosen: c.aIds, rejected: c.bIds }
        : { prompt: c.promptIds, chosen: c.bIds, rejected: c.aIds };
    const train = labelled.filter((_, i) => i % 4 !== 3);
    const testPairs = tests
      .map((c) => ({ c, choice: applyRule(rule, c.a, c.b) }))
      .filter((l) => l.choice !== 'tie')
      .map(asPair);
    const settings: DpoRunSettings = {
      ...DEFAULT_DPO_SETTINGS,
      rounds: 1,
      steps: Number(a.steps),
      seed,
      loss: { ...DEFAULT_DPO_SETTINGS.loss, beta: Number(a.beta) },
      optim: { ...DEFAULT_DPO_SETTINGS.optim, lr: Number(a.lr) },
      eval: { ...DEFAULT_DPO_SETTINGS.eval, every: 1000, prompts: 8 },
    };
    const t1 = performance.now();
    const run = await DpoRun.prepare(
      sft,
      {
        tokenizer,
        trainPrompts: [],
        evalPrompts: testPrompts,
        reward: groundTruthReward,
      },
      settings,
      {},
      {
        data: {
          pairs: train.map(asPair),
          texts: train.map(({ c }) => ({ prompt: c.prompt, chosen: c.a, rejected: c.b })),
          preview: [],
        },
      },
    );
    const before = agreement(
      await pairLogps(run.policy, run.reference, testPairs, tokenizer.eot),
      settings.loss.beta,
    );
    while (!run.done) await run.trainStep();
    const trainSecs = (performance.now() - t1) / 1000;
    const after = agreement(
      await pairLogps(run.policy, run.reference, testPairs, tokenizer.eot),
      settings.loss.beta,
    );
    const wc = await measureWhatChanged(
      run.policy,
      run.reference,
      tokenizer,
      testPrompts,
      { ...gen, seed: seed + 2 },
      groundTruthReward,
      run.step,
    );
    console.log(
      JSON.stringify({
        rule,
        labels: labelled.length,
        ties: cands.length - labelled.length,
        train: train.length,
        testPairs: testPairs.length,
        before: before.agreement,
        after: after.agreement,
        trainSecs: Number(trainSecs.toFixed(1)),
        ref: wc.ref,
        policy: wc.policy,
        rising: wc.rising.slice(0, 5).map((w) => `${w.word} ${w.logRatio.toFixed(2)}`),
      }),
    );
    run.dispose();
  }
}

void main();
