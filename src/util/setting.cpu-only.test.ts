import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defaultsOf,
  enumOptions,
  leavesOf,
  numberBounds,
  readSettings,
  schemaOf,
  setting,
} from './setting';

const TREE = {
  rate: setting(z.number().gt(0).max(1), { default: 0.5, url: 'r', label: 'rate', help: '' }),
  group: {
    count: setting(z.number().int().min(1).max(9), { default: 3, url: 'n', label: 'n', help: '' }),
    mode: setting(z.enum(['a', 'b', 'c']), {
      default: 'a',
      url: 'm',
      label: 'mode',
      help: '',
      options: { c: 'C first', a: 'A' },
    }),
  },
} as const;

describe('settings trees', () => {
  it('refuses a default outside its own bounds', () => {
    expect(() => setting(z.number().max(1), { default: 2, url: 'x', label: '', help: '' })).toThrow(
      /default of setting "x"/,
    );
  });

  it('lists the settings depth first in declaration order', () => {
    expect(leavesOf(TREE).map((l) => l.path.join('.'))).toEqual([
      'rate',
      'group.count',
      'group.mode',
    ]);
  });

  it('derives the defaults and a schema that judges the whole value', () => {
    const d = defaultsOf(TREE);
    expect(d).toEqual({ rate: 0.5, group: { count: 3, mode: 'a' } });
    expect(schemaOf(TREE).safeParse(d).success).toBe(true);
    expect(schemaOf(TREE).safeParse({ ...d, rate: 0 }).success).toBe(false);
    expect(defaultsOf(TREE)).not.toBe(d);
  });

  it('reads any input setting by setting: valid kept, missing defaulted, invalid reported', () => {
    const r = readSettings(TREE, { rate: 0.25, group: { count: 12 }, extra: 1 });
    expect(r.value).toEqual({ rate: 0.25, group: { count: 3, mode: 'a' } });
    expect(r.problems).toEqual([{ path: 'group.count', message: expect.any(String) }]);
    expect(readSettings(TREE, null).value).toEqual(defaultsOf(TREE));
    expect(readSettings(TREE, 'junk').problems).toEqual([]);
  });

  it('gives the inputs their bounds and the selects their options', () => {
    expect(numberBounds(TREE.rate)).toEqual({ min: 0, max: 1, integer: false });
    expect(numberBounds(TREE.group.count)).toEqual({ min: 1, max: 9, integer: true });
    expect(enumOptions(TREE.group.mode)).toEqual(['c', 'a']);
    expect(enumOptions(TREE.rate)).toBeNull();
  });
});
