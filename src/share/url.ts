/**
 * The whole run configuration in a URL query: short keys, only the values that differ from
 * the defaults, in a fixed key order, so equal configs give equal links.
 */
import { z } from 'zod';
import { getAt, leavesOf, type Setting, type SettingLeaf, setAt } from '../util/setting';
import {
  DEFAULT_PLAYGROUND_CONFIG,
  PLAYGROUND_SETTINGS,
  type PlaygroundConfig,
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
const textCodec = (): Codec<string> => ({
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
const listCodec = (): Codec<string[]> => ({
  format: (v) => v.join(','),
  parse: (text) => (text.trim() === '' ? [] : text.split(',').map((s) => s.trim())),
});

/** The codec a setting's schema calls for. */
function codecOf(s: Setting): Codec<unknown> {
  if (s.schema instanceof z.ZodNumber) return numberCodec as Codec<unknown>;
  if (s.schema instanceof z.ZodBoolean) return booleanCodec as Codec<unknown>;
  if (s.schema instanceof z.ZodArray) return listCodec() as Codec<unknown>;
  return textCodec() as Codec<unknown>;
}

/** One URL parameter per setting of the tree, in declaration order. */
function field({ path, setting: s }: SettingLeaf): UrlField {
  const codec = codecOf(s);
  return {
    key: s.meta.url,
    format: (cfg) => codec.format(getAt(cfg, path)),
    decode(text, draft) {
      const r = s.schema.safeParse(codec.parse(text));
      const target = draft as unknown as Record<string, unknown>;
      if (r.success) {
        setAt(target, path, r.data);
        return undefined;
      }
      setAt(target, path, structuredClone(s.meta.default)); // a repeated key may have set it
      return r.error.issues[0]?.message ?? 'invalid value';
    },
  };
}

/** The URL keys in encoding order. */
const FIELDS: readonly UrlField[] = leavesOf(PLAYGROUND_SETTINGS).map(field);

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
