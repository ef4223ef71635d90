/**
 * One seed stream per purpose, each derived from the run's (replicate's) seed, so that changing
 * how many samples one purpose draws never shifts another's randomness, and no two purposes
 * share a stream (the issue-15 audit found evaluation and Best-of-N reusing the data's seed:
 * SFT evaluation samples that were verbatim training completions).
 *
 *   stream(seed, purpose) = 1 + fmix32(fmix32(seed) ⊕ (purpose index + 1)·φ32) mod (2^30 − 1)
 *
 * fmix32 is MurmurHash3's finaliser (a bijection on 32-bit words); φ32 = 0x9E3779B9. The
 * result is an integer in [1, 2^30 − 1]: ≥ 1 for tfjs (0 means unseeded) and small enough that
 * `seed + i` offsets stay below 2^31.
 */

export const SEED_PURPOSES = [
  /** Completions sampled from π_ref for the preference pairs. */
  'data',
  /** Batch order of every trained run (DPO, baselines, PPO's prompt order and rollouts). */
  'order',
  /** Evaluation samples (common to every run of one replicate). */
  'eval',
  /** The reward model's head initialisation and batch order. */
  'rewardModel',
  /** Best-of-N's candidates. */
  'bestOfN',
  /** The π_ref samples on test prompts whose pairs measure held-out pair accuracy. */
  'heldOutPairs',
] as const;

export type SeedPurpose = (typeof SEED_PURPOSES)[number];
export type SeedStreams = Readonly<Record<SeedPurpose, number>>;

function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

const MAX_STREAM = 2 ** 30 - 1;

/** The seed of one purpose; `seed` must be a non-negative integer. */
export function seedStream(seed: number, purpose: SeedPurpose): number {
  if (!(Number.isInteger(seed) && seed >= 0)) throw new Error(`seed must be an integer ≥ 0`);
  const k = SEED_PURPOSES.indexOf(purpose) + 1;
  const mixed = fmix32(fmix32(seed) ^ Math.imul(k, 0x9e3779b9));
  return 1 + (mixed % MAX_STREAM);
}

/** Every purpose's seed for one replicate seed. */
export function seedStreams(seed: number): SeedStreams {
  return Object.fromEntries(SEED_PURPOSES.map((p) => [p, seedStream(seed, p)])) as Record<
    SeedPurpose,
    number
  >;
}
