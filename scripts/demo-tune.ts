/**
 * `node --import tsx scripts/demo-tune.ts [--seed 1] [--patch '{"steps":120}'] [--set held-out]`:
 * one default-demo run in Node with the same DpoRun pipeline as the worker (WASM backend by
 * default), printing each evaluation (π_θ reward, π_ref reward, KL, fluency) and the wall time
 * since the checkpoint was loaded. Tuning uses the validation prompts (`--set validation`,
 * held-out reviews 1,000 on, disjoint from the training prompts and from the app's evaluation
 * prompts); `--set held-out` evaluates on the app's own evaluation prompts, as the browser does.
 * Prints one JSON line per run at the end (for docs/experiments.md's median of 3 seeds).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../src/model/checkpoint';
import { DpoRun, type DpoRunSettings } from '../src/pipeline/dpoRun';
import { DEFAULT_DPO_SETTINGS } from '../src/pipeline/settings';
import { fromDpoRunSettings, toDpoRunSettings } from '../src/share/playgroundConfig';
import { applyPatch, type ConfigPatch } from '../src/share/presets';
import { builtinPrompts, builtinTask } from '../src/task/builtin';
import { fluency } from '../src/task/fluency';
import { groundTruthReward } from '../src/task/reward';
import { BpeTokenizer } from '../src/tokenizer/bpe';

const VALIDATION_OFFSET = 1000;

async function main() {
  const { values: a } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      checkpoint: { type: 'string', default: 'public/checkpoints/sft-nano.json' },
      seed: { type: 'string', default: '1' },
      patch: { type: 'string', default: '{}' },
      set: { type: 'string', default: 'validation' },
    },
  });
  if (a.backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(a.backend ?? 'wasm');
  await tf.ready();
  const t0 = performance.now();
  const patch = JSON.parse(a.patch ?? '{}') as ConfigPatch;
  const settings: DpoRunSettings = toDpoRunSettings(
    applyPatch({ ...patch, seed: Number(a.seed) }, fromDpoRunSettings(DEFAULT_DPO_SETTINGS)),
  );
  const { model: sft, checkpoint } = loadCheckpoint(
    JSON.parse(readFileSync(a.checkpoint ?? '', 'utf8')),
    false,
  );
  const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
  const { heldOut } = builtinTask();
  const evalOffset = a.set === 'held-out' ? settings.data.prompts : VALIDATION_OFFSET;
  const task = {
    tokenizer,
    trainPrompts: builtinPrompts(heldOut, settings.data.prompts, 0),
    evalPrompts: builtinPrompts(heldOut, settings.eval.prompts, evalOffset),
    reward: groundTruthReward,
  };
  const secs = () => (performance.now() - t0) / 1000;
  let last: Record<string, number> = {};
  let fl = Number.NaN;
  let refFl = Number.NaN;
  const run = await DpoRun.prepare(sft, task, settings, {
    onSamples: (samples) => {
      const cut = (s: { tokens: number[] }) => s.tokens.at(-1) !== tokenizer.eot;
      fl = fluency(samples.map((s) => ({ text: s.text, cut: cut(s) })));
      refFl = fluency(samples.map((s) => ({ text: s.refText })));
    },
    onMetrics: (p) => {
      if (typeof p.round === 'number' && p.step > 0) console.log(`round ${p.round} at ${p.step}`);
      if (typeof p['eval/reward'] !== 'number') return;
      last = {
        step: p.step,
        reward: p['eval/reward'],
        ref: Number(p['eval/ref_reward']),
        kl: Number(p['eval/kl']),
        ...(typeof p['eval/kl_ref'] === 'number' ? { klRef: p['eval/kl_ref'] } : {}),
        // The app's own fluency figures (task/fluency.ts), when the pipeline reports them.
        ...(typeof p['eval/fluency'] === 'number' ? { evalFluency: p['eval/fluency'] } : {}),
        ...(typeof p['eval/ref_fluency'] === 'number'
          ? { evalRefFluency: p['eval/ref_fluency'] }
          : {}),
      };
    },
  });
  const report = () =>
    console.log(
      `step ${last.step}: reward ${last.reward?.toFixed(3)} ref ${last.ref?.toFixed(3)} kl ${last.kl?.toFixed(2)} fluency ${fl.toFixed(3)} (ref ${refFl.toFixed(3)}) ${secs().toFixed(0)} s`,
    );
  report();
  let reported = last.step;
  while (!run.done) {
    await run.trainStep();
    if (last.step !== reported) {
      report();
      reported = last.step;
    }
  }
  console.log(
    JSON.stringify({
      seed: Number(a.seed),
      set: a.set,
      patch,
      ...last,
      fluency: fl,
      refFluency: refFl,
      seconds: secs(),
    }),
  );
  run.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
