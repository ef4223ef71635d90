/**
 * Where a DPO step's time goes on one Node backend: `node --import tsx bench/profileStep.ts
 * [wasm|cpu] [nano|micro|mini] [steps]`. Times `steps` steps (median; wall and this process's
 * CPU time, with the bench's GFLOP/s, matMul and eff figures by each), then profiles one step
 * with tf.profile: kernels grouped by name and matMuls by shape (calls, ms), slowest first.
 */
import * as tf from '@tensorflow/tfjs';
import { gflops, matmulFlops, trainStepFlops } from '../src/bench/flops';
import { quantile } from '../src/bench/stats';
import { makeConfig } from '../src/model/config';
import { GPT } from '../src/model/gpt';
import { collatePairs, type TokenizedPair } from '../src/pipeline/collate';
import { DEFAULT_DPO_SETTINGS } from '../src/pipeline/dpoRun';
import { PreferenceTrainer, precomputeReference } from '../src/pipeline/preferenceTrainer';
import { syntheticPairs } from './harness';
import { selectNodeBackend } from './nodeBackend';
import { type BenchPreset, BLOCK_SIZE, PRESET_VOCAB } from './presets';

const median = (xs: number[]) => quantile(xs, 0.5);

function cpuMs(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
}

/** [m, k] × [k, n] GFLOP/s by wall and by CPU time, medians of 10 after 2 warm-ups. */
async function matmulRate(m: number, k: number, n: number): Promise<{ wall: number; cpu: number }> {
  const [a, b] = [tf.randomNormal([m, k]), tf.randomNormal([k, n])];
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 12; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    if (i >= 2) {
      wall.push(performance.now() - t0);
      cpu.push(cpuMs(c0));
    }
  }
  tf.dispose([a, b]);
  const f = matmulFlops(m, k, n);
  return { wall: gflops(f, median(wall)), cpu: gflops(f, median(cpu)) };
}

async function main(): Promise<void> {
  const [backend = 'wasm', preset = 'nano', stepsArg = '10'] = process.argv.slice(2);
  await selectNodeBackend(backend);
  const vocab = PRESET_VOCAB[preset as BenchPreset];
  const cfg = makeConfig({
    preset: preset as BenchPreset,
    vocabSize: vocab,
    blockSize: BLOCK_SIZE,
  });
  const sft = GPT.create(cfg, 1);
  const reference = sft.clone(false);
  const policy = sft.clone(true);
  const pairs = syntheticPairs(256, vocab, 7);
  const collate = { padId: vocab - 1, maxLength: BLOCK_SIZE };
  const ref = await precomputeReference(reference, pairs, collate, 16);
  const trainer = new PreferenceTrainer(
    policy,
    pairs,
    ref,
    { ...DEFAULT_DPO_SETTINGS, seed: 3 },
    collate,
  );
  const sync = () => policy.variables().at(-1)?.data();
  // The batches the trainer draws, replayed from the same seeded order for their lengths.
  const shadow = new PreferenceTrainer(
    policy,
    pairs,
    ref,
    { ...DEFAULT_DPO_SETTINGS, seed: 3 },
    collate,
  );
  const peek = (shadow as unknown as { nextIndices(): number[] }).nextIndices.bind(shadow);
  const lengthOf = () =>
    collatePairs(
      peek().map((i) => pairs[i] as TokenizedPair),
      collate,
    ).length;
  for (let i = 0; i < 3; i++) {
    lengthOf();
    await trainer.trainStep(false);
    await sync();
  }
  const times: number[] = [];
  const cpu: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < Number(stepsArg); i++) {
    lengths.push(lengthOf());
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await trainer.trainStep(false);
    await sync();
    times.push(performance.now() - t0);
    cpu.push(cpuMs(c0));
  }
  shadow.dispose();
  // Same figures as the bench (src/bench/flops.ts, its two matMul shapes), by wall time and
  // by this process's CPU time (steadier on a shared machine).
  const T = median(lengths);
  const flops = trainStepFlops(cfg, 16, T);
  const M = 16 * Math.round(T);
  const rates = [
    await matmulRate(M, cfg.nEmbd, 4 * cfg.nEmbd),
    await matmulRate(M, cfg.nEmbd, vocab),
  ];
  const [wall, cpuStep] = [median(times), median(cpu)];
  const mmWall = Math.max(...rates.map((m) => m.wall));
  const mmCpu = Math.max(...rates.map((m) => m.cpu));
  const [gWall, gCpu] = [gflops(flops, wall), gflops(flops, cpuStep)];
  console.log(
    `${backend} ${preset} T ${T}: step ${wall.toFixed(1)} ms wall, ${cpuStep.toFixed(1)} ms CPU; ` +
      `${gWall.toFixed(2)} / ${gCpu.toFixed(2)} GFLOP/s (wall / CPU); matMul ${mmWall.toFixed(1)} / ` +
      `${mmCpu.toFixed(1)}; eff ${((100 * gWall) / mmWall).toFixed(1)} % / ${((100 * gCpu) / mmCpu).toFixed(1)} %`,
  );
  const prof = await tf.profile(async () => {
    await trainer.trainStep(false);
    await sync();
  });
  const by = new Map<string, { n: number; ms: number }>();
  let total = 0;
  for (const k of prof.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const e = by.get(k.name) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += ms;
    total += ms;
    by.set(k.name, e);
  }
  const mm = new Map<string, { n: number; ms: number }>();
  for (const k of prof.kernels) {
    if (k.name !== 'BatchMatMul' && k.name !== '_FusedMatMul') continue;
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}→${JSON.stringify(k.outputShapes)}`;
    const e = mm.get(key) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    mm.set(key, e);
  }
  for (const [key, e] of [...mm].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`  ${key} ×${e.n} ${e.ms.toFixed(2)} ms`);
  }
  console.log(`kernels: ${prof.kernels.length}, kernel ms ${total.toFixed(1)}`);
  for (const [name, e] of [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)) {
    console.log(
      `  ${name.padEnd(28)} ${String(e.n).padStart(5)} ${e.ms.toFixed(2).padStart(9)} ms`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
