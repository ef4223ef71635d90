import { seededIds } from '../test/helpers';
import type { TokenizedPair } from './collate';

/** Pairs of varied lengths over a vocab of 32; prompts start with token 31 (end-of-text). */
export function testPairs(n: number, seed = 1): TokenizedPair[] {
  return Array.from({ length: n }, (_, i) => {
    const ids = seededIds(20, 31, seed * 100 + i);
    const p = 2 + (i % 3);
    return {
      prompt: [31, ...ids.slice(0, p)],
      chosen: ids.slice(p, p + 3 + (i % 4)),
      rejected: ids.slice(p + 7, p + 9 + (i % 3)),
    };
  });
}
