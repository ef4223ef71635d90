/**
 * One declaration per setting (style.md §4, as TRL's DPOConfig fields): its zod schema (type
 * and bounds) and the metadata the controls, the share link and stored-record migration need.
 * A tree of settings derives its object schema, its defaults and its list of fields; nothing
 * restates a bound or a default.
 */
import { z } from 'zod';

export interface SettingMeta<T> {
  default: T;
  /** Its key in a share link (`?beta=0.5`); unique within a tree. */
  url: string;
  /** The control's label. */
  label: string;
  /** One sentence for the tooltip. */
  help: string;
  unit?: string;
  /** Editable while a run trains (applies from the next step). */
  live?: boolean;
  /** The number input's increment. */
  step?: number;
  /** Labels of an enum's options, in the order offered. */
  options?: Readonly<Record<string, string>>;
  /** The algorithms (registry ids) whose runs read it; absent: every one. */
  usedBy?: readonly string[];
}

export interface Setting<T = unknown> {
  readonly kind: 'setting';
  readonly schema: z.ZodType<T>;
  readonly meta: SettingMeta<T>;
}

/** A setting: its schema judges every value, wherever it comes from. */
export function setting<S extends z.ZodType>(
  schema: S,
  meta: SettingMeta<z.output<S>>,
): Setting<z.output<S>> {
  if (!schema.safeParse(meta.default).success) {
    throw new Error(`the default of setting "${meta.url}" is outside its own bounds`);
  }
  return { kind: 'setting', schema: schema as z.ZodType<z.output<S>>, meta };
}

// biome-ignore lint/suspicious/noExplicitAny: a tree holds settings of any value type.
type AnySetting = Setting<any>;
export interface SettingTree {
  readonly [key: string]: AnySetting | SettingTree;
}

/** The plain value a tree describes. */
export type ValueOf<T> =
  T extends Setting<infer V> ? V : { -readonly [K in keyof T]: ValueOf<T[K]> };

const isSetting = (x: unknown): x is AnySetting =>
  typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'setting';

/** A setting with where it sits in its tree (["loss", "beta"]). */
export interface SettingLeaf {
  path: readonly string[];
  setting: AnySetting;
}

/** Every setting of `tree`, depth first in declaration order (the share link's key order). */
export function leavesOf(tree: SettingTree, prefix: readonly string[] = []): SettingLeaf[] {
  return Object.entries(tree).flatMap(([key, node]) =>
    isSetting(node)
      ? [{ path: [...prefix, key], setting: node }]
      : leavesOf(node, [...prefix, key]),
  );
}

/** The tree's object schema (unknown keys stripped). */
export function schemaOf<T extends SettingTree>(tree: T): z.ZodType<ValueOf<T>> {
  const shape = Object.fromEntries(
    Object.entries(tree).map(([k, node]) => [k, isSetting(node) ? node.schema : schemaOf(node)]),
  );
  return z.object(shape) as unknown as z.ZodType<ValueOf<T>>;
}

/** Every default of the tree (a fresh object). */
export function defaultsOf<T extends SettingTree>(tree: T): ValueOf<T> {
  const out: Record<string, unknown> = {};
  for (const { path, setting: s } of leavesOf(tree))
    setAt(out, path, structuredClone(s.meta.default));
  return out as ValueOf<T>;
}

/** The value at `path` of a plain object, or undefined. */
export function getAt(obj: unknown, path: readonly string[]): unknown {
  let at = obj;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** Sets the value at `path`, making the groups on the way. */
export function setAt(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = obj;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (typeof next !== 'object' || next === null) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1] as string] = value;
}

export interface SettingProblem {
  path: string;
  message: string;
}

/**
 * `input` read against the tree, setting by setting: a valid value is kept, a missing one takes
 * its default, an invalid one takes its default and is reported. Migrates stored records and
 * decodes share links; never throws.
 */
export function readSettings<T extends SettingTree>(
  tree: T,
  input: unknown,
): { value: ValueOf<T>; problems: SettingProblem[] } {
  const out: Record<string, unknown> = {};
  const problems: SettingProblem[] = [];
  for (const { path, setting: s } of leavesOf(tree)) {
    const given = getAt(input, path);
    const r = given === undefined ? null : s.schema.safeParse(given);
    if (r?.success) setAt(out, path, r.data);
    else {
      setAt(out, path, structuredClone(s.meta.default));
      if (r) problems.push({ path: path.join('.'), message: r.error.issues[0]?.message ?? '' });
    }
  }
  return { value: out as ValueOf<T>, problems };
}

/** The setting's schema with its default filled in for a missing value (a config file's field). */
export function withDefault<T>(s: Setting<T>): z.ZodDefault<z.ZodType<T>> {
  return s.schema.default(s.meta.default as never) as z.ZodDefault<z.ZodType<T>>;
}

/** A zod shape of settings, each with its default (config files: a field may be left out). */
export function defaultedShape<T extends Readonly<Record<string, AnySetting>>>(
  settings: T,
): { [K in keyof T]: z.ZodDefault<z.ZodType<ValueOf<T[K]>>> } {
  return Object.fromEntries(Object.entries(settings).map(([k, s]) => [k, withDefault(s)])) as {
    [K in keyof T]: z.ZodDefault<z.ZodType<ValueOf<T[K]>>>;
  };
}

/** The number bounds of a setting's schema, for an input's min and max (undefined: none). */
export function numberBounds(s: Setting): { min?: number; max?: number; integer: boolean } {
  const n = s.schema;
  if (!(n instanceof z.ZodNumber)) return { integer: false };
  const bound = (v: number | null) => (v === null || !Number.isFinite(v) ? undefined : v);
  return {
    ...(bound(n.minValue) !== undefined ? { min: bound(n.minValue) } : {}),
    ...(bound(n.maxValue) !== undefined ? { max: bound(n.maxValue) } : {}),
    integer: n.isInt,
  };
}

/** The options of an enum setting (meta's order when given), else null. */
export function enumOptions(s: Setting): readonly string[] | null {
  if (!(s.schema instanceof z.ZodEnum)) return null;
  const all = s.schema.options as string[];
  return s.meta.options ? Object.keys(s.meta.options).filter((o) => all.includes(o)) : all;
}
