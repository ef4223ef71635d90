/** The bench's model sizes: src/model/config.ts presets at block 64. No tfjs here (the peer's
 * page and process import it and must not load a second tfjs). */
import type { PresetName } from '../src/model/config';

export const BLOCK_SIZE = 64;
/** Vocabulary per preset (the sizes src/model/config.ts quotes for each). */
export const PRESET_VOCAB: Record<PresetName, number> = {
  nano: 1024,
  micro: 2048,
  mini: 4096,
  small: 4096,
};
/** What `npm run bench` measures here; `small` only in the GPU bundle (bench/gpu/). */
export type BenchPreset = Exclude<PresetName, 'small'>;
export const BENCH_PRESETS: BenchPreset[] = ['nano', 'micro', 'mini'];
