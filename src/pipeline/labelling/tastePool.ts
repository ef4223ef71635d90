/**
 * Agreement pooled over seeds per taste, method, pair order and label budget, with its Wilson
 * interval.
 */
import { wilsonInterval } from '../../util/wilson';

export interface TasteRun {
  taste: string;
  method: string;
  order: string;
  seed: number;
  /** Decided labels the labeller was to give, and gave. */
  budget: number;
  decided: number;
  test: { pairs: number; agree: number; before: number };
}

export interface PooledAgreement {
  taste: string;
  method: string;
  order: string;
  budget: number;
  seeds: number[];
  /** Decided labels per seed (the most of any seed). */
  maxLabels: number;
  pairs: number;
  agreement: number;
  lo: number;
  hi: number;
}

export function pooledAgreement(runs: readonly TasteRun[]): PooledAgreement[] {
  const keyOf = (r: TasteRun) => [r.taste, r.method, r.order, r.budget].join('\u0000');
  const keys = [...new Set(runs.map(keyOf))];
  return keys.map((key) => {
    const [taste = '', method = '', order = '', b = ''] = key.split('\u0000');
    const budget = Number(b);
    const rs = runs.filter((r) => keyOf(r) === key);
    const pairs = rs.reduce((s, r) => s + r.test.pairs, 0);
    const agree = rs.reduce((s, r) => s + r.test.agree, 0);
    const { lo, hi } = wilsonInterval(agree, pairs);
    return {
      taste,
      method,
      order,
      budget,
      seeds: rs.map((r) => r.seed),
      maxLabels: Math.max(...rs.map((r) => r.decided)),
      pairs,
      agreement: pairs > 0 ? agree / pairs : Number.NaN,
      lo,
      hi,
    };
  });
}
