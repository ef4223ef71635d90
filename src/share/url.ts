/**
 * The whole run configuration in a URL query: short keys, only the values that differ from
 * the defaults, in a fixed key order, so equal configs give equal links.
 */
import type { z } from 'zod';
import {
  DEFAULT_PLAYGROUND_CONFIG,
  type PlaygroundConfig,
  playgroundConfigSchema,
} from './playgroundConfig';

export interface ConfigWarning {
  /** The URL key the warning is about. */
  key: string;
  message: string;
}

/** Text ↔ value of one URL parameter; parse may return anything, the schema judges it. */
interface Codec<T> {
  format(value: T): string;
  parse(text: string): unknown;
}

/** One URL parameter bound to one config field. */
interface UrlField {
  key: string;
  /** The value as URL text. */
  format(cfg: PlaygroundConfig): string;
  /** Sets the value on `draft`; returns why the text was refused (draft keeps the default). */
  decode(text: string, draft: PlaygroundConfig): string | undefined;
}

// One way to split the digits around the point: `\d+\.?\d*` backtracks quadratically on a
// long run of digits (100k digits took 70 s).
const NUMBER_TEXT = /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i;

/** URL text quoted in a warning, cut to a readable length. */
const shortText = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

const numberCodec: Codec<number> = {
  format: String, // shortest text that reads back as the same double
  // A '+' typed into a URL arrives as a space ("1e 3").
  parse: (text) => {
    const t = text.trim().replace(' ', '+');
    return NUMBER_TEXT.test(t) ? Number(t) + 0 : Number.NaN; // + 0: -0 reads as 0
  },
};
const textCodec = <T extends string>(): Codec<T> => ({
  format: (v) => v,
  parse: (text) => text.trim(),
});
const BOOLEAN_TEXT = new Map([
  ['1', true],
  ['true', true],
  ['0', false],
  ['false', false],
]);
const booleanCodec: Codec<boolean> = {
  format: (v) => (v ? '1' : '0'),
  parse: (text) => BOOLEAN_TEXT.get(text.trim()) ?? text,
};
const listCodec = <T extends string>(): Codec<T[]> => ({
  format: (v) => v.join(','),
  parse: (text) => (text.trim() === '' ? [] : text.split(',').map((s) => s.trim())),
});

/** Reads and writes one field of a config. */
interface Lens<T> {
  get(c: PlaygroundConfig): T;
  set(c: PlaygroundConfig, v: T): void;
}

type Group = 'loss' | 'optim' | 'data' | 'eval' | 'ui';
type TopLevel = Exclude<keyof PlaygroundConfig, Group>;

function top<K extends TopLevel>(key: K): Lens<PlaygroundConfig[K]> {
  return {
    get: (c) => c[key],
    set: (c, v) => {
      c[key] = v;
    },
  };
}

function at<G extends Group, K extends keyof PlaygroundConfig[G]>(
  group: G,
  key: K,
): Lens<PlaygroundConfig[G][K]> {
  return {
    get: (c) => c[group][key],
    set: (c, v) => {
      c[group][key] = v;
    },
  };
}

function field<T>(
  key: string,
  schema: z.ZodType<T>,
  codec: Codec<T>,
  { get, set }: Lens<T>,
): UrlField {
  return {
    key,
    format: (cfg) => codec.format(get(cfg)),
    decode(text, draft) {
      const r = schema.safeParse(codec.parse(text));
      if (r.success) {
        set(draft, r.data);
        return undefined;
      }
      set(draft, structuredClone(get(DEFAULT_PLAYGROUND_CONFIG))); // a repeated key may have set it
      return r.error.issues[0]?.message ?? 'invalid value';
    },
  };
}

const S = playgroundConfigSchema.shape;
const L = S.loss.shape;
const O = S.optim.shape;
const D = S.data.shape;
const E = S.eval.shape;
const N = numberCodec;

/** The URL keys in encoding order. */
const FIELDS: readonly UrlField[] = [
  field('model', S.model, textCodec(), top('model')),
  field('loss', L.type, textCodec(), at('loss', 'type')),
  field('beta', L.beta, N, at('loss', 'beta')),
  field('smooth', L.labelSmoothing, N, at('loss', 'labelSmoothing')),
  field('alpha', L.rpoAlpha, N, at('loss', 'rpoAlpha')),
  field('gamma', L.simpoGamma, N, at('loss', 'simpoGamma')),
  field('reduce', L.reduction, textCodec(), at('loss', 'reduction')),
  field('opt', O.kind, textCodec(), at('optim', 'kind')),
  field('lr', O.lr, N, at('optim', 'lr')),
  field('warmup', O.warmupSteps, N, at('optim', 'warmupSteps')),
  field('clip', O.maxGradNorm, N, at('optim', 'maxGradNorm')),
  field('batch', S.batchSize, N, top('batchSize')),
  field('steps', S.steps, N, top('steps')),
  field('seed', S.seed, N, top('seed')),
  field('log', S.logEvery, N, top('logEvery')),
  field('rounds', S.rounds, N, top('rounds')),
  field('refSync', S.refSyncSteps, N, top('refSyncSteps')),
  field('refAlpha', S.refMixupAlpha, N, top('refMixupAlpha')),
  field('prompts', D.prompts, N, at('data', 'prompts')),
  field('k', D.completionsPerPrompt, N, at('data', 'completionsPerPrompt')),
  field('temp', D.temperature, N, at('data', 'temperature')),
  field('tokens', D.maxNewTokens, N, at('data', 'maxNewTokens')),
  field('pairing', D.pairing, textCodec(), at('data', 'pairing')),
  field('noise', D.labelNoise, N, at('data', 'labelNoise')),
  field('evalEvery', E.every, N, at('eval', 'every')),
  field('evalPrompts', E.prompts, N, at('eval', 'prompts')),
  field('evalTokens', E.maxNewTokens, N, at('eval', 'maxNewTokens')),
  field('evalTemp', E.temperature, N, at('eval', 'temperature')),
  field('embed', S.ui.shape.embed, booleanCodec, at('ui', 'embed')),
  field('hide', S.ui.shape.hide, listCodec(), at('ui', 'hide')),
  field('backend', S.ui.shape.backend, textCodec(), at('ui', 'backend')),
  field('view', S.ui.shape.view, textCodec(), at('ui', 'view')),
];

const FIELD_BY_KEY = new Map(FIELDS.map((f) => [f.key, f]));

/** The URL keys, in the order encodeConfig writes them. */
export const CONFIG_URL_KEYS: readonly string[] = FIELDS.map((f) => f.key);

/** A query string (no '?') of the values that differ from the defaults; '' for the defaults. */
export function encodeConfig(cfg: PlaygroundConfig): string {
  const params = new URLSearchParams();
  for (const f of FIELDS) {
    const text = f.format(cfg);
    if (text !== f.format(DEFAULT_PLAYGROUND_CONFIG)) params.append(f.key, text);
  }
  return params.toString();
}

/**
 * The config a query string describes, '?' optional. Never throws: an unknown key is
 * ignored and a malformed or out-of-range value keeps its default, each with a warning.
 */
export function decodeConfig(search: string): {
  config: PlaygroundConfig;
  warnings: ConfigWarning[];
} {
  const config = structuredClone(DEFAULT_PLAYGROUND_CONFIG);
  const warnings: ConfigWarning[] = [];
  const seen = new Set<string>();
  for (const [key, text] of new URLSearchParams(search)) {
    const f = FIELD_BY_KEY.get(key);
    if (!f) {
      warnings.push({
        key: shortText(key),
        message: `unknown setting "${shortText(key)}" ignored`,
      });
      continue;
    }
    if (seen.has(key))
      warnings.push({ key, message: `${key} is given twice; the last one counts` });
    seen.add(key);
    const problem = f.decode(text, config);
    if (problem !== undefined) {
      const fallback = f.format(DEFAULT_PLAYGROUND_CONFIG) || '(none)';
      warnings.push({
        key,
        message: `${key}=${shortText(text)} is not valid (${problem}); using the default ${fallback}`,
      });
    }
  }
  return { config, warnings };
}
