/** Export of pairs, metrics and samples as plain strings (the UI turns them into downloads). */
import Papa from 'papaparse';
import type { PreferencePair } from './layouts';

/** TRL standard JSONL: one {"prompt","chosen","rejected"} object per line, newline-terminated. */
export function toTrlJsonl(pairs: readonly PreferencePair[]): string {
  let out = '';
  for (const { prompt, chosen, rejected } of pairs) {
    out += `${JSON.stringify({ prompt, chosen, rejected })}\n`;
  }
  return out;
}

/**
 * Pairs as the text of the token ids trained on: end-of-text ids become "<|endoftext|>", which
 * a GPT-2 tokenizer (and TRL) reads back as that one token, and TRL appends no second EOS to a
 * completion already ending with it. So a built-in pair keeps the end-of-text π_ref sampled and
 * the one before its prompt; an imported pair keeps the app's truncation to the context.
 */
export function trlPairsFromTokens(
  pairs: readonly { prompt: number[]; chosen: number[]; rejected: number[] }[],
  decode: (ids: number[]) => string,
): PreferencePair[] {
  return pairs.map((p) => ({
    prompt: decode(p.prompt),
    chosen: decode(p.chosen),
    rejected: decode(p.rejected),
  }));
}

export type MetricsPoint = Record<string, number | string | undefined>;

/** Column order: `step` first (when present), then the other keys in order of first appearance. */
export function metricsColumns(points: readonly MetricsPoint[]): string[] {
  const seen = new Set<string>();
  for (const p of points) for (const k of Object.keys(p)) seen.add(k);
  const rest = [...seen].filter((k) => k !== 'step');
  return seen.has('step') ? ['step', ...rest] : rest;
}

/**
 * CSV with a header of the union of keys; a point without a key gets an empty cell.
 * Numbers are written with JS's shortest round-trip form; NaN and ±Infinity as text.
 */
export function metricsToCsv(points: readonly MetricsPoint[]): string {
  const fields = metricsColumns(points);
  const data = points.map((p) => fields.map((f) => p[f] ?? ''));
  return Papa.unparse({ fields, data }, { newline: '\n' });
}

/** A JSON array, one point per line; non-finite numbers become null (JSON has no NaN). */
export function metricsToJson(points: readonly MetricsPoint[]): string {
  if (points.length === 0) return '[]\n';
  return `[\n${points.map((p) => JSON.stringify(p)).join(',\n')}\n]\n`;
}

/** One generated completion with its per-token log-probs under the policy and reference. */
export type GeneratedSample = {
  prompt: string;
  completion: string;
  tokens: number[];
  logpPolicy: number[];
  logpRef: number[];
  reward: number;
};

/** JSONL, one sample per line, fields in the order of GeneratedSample. */
export function samplesToJsonl(samples: readonly GeneratedSample[]): string {
  let out = '';
  for (const s of samples) {
    // Array.from: a typed array would stringify as an object.
    const row = {
      prompt: s.prompt,
      completion: s.completion,
      tokens: Array.from(s.tokens),
      logpPolicy: Array.from(s.logpPolicy),
      logpRef: Array.from(s.logpRef),
      reward: s.reward,
    };
    out += `${JSON.stringify(row)}\n`;
  }
  return out;
}
