import { describe, expect, it } from 'vitest';
import { builtinPrompts, builtinTask } from './builtin';
import { fnv1a32, isWordPrefix, splitOf, splitPrompts } from './promptSplit';

describe('fnv1a32', () => {
  it('matches the published FNV-1a test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});

describe('splitPrompts', () => {
  it('deduplicates by text and puts a repeated prefix in one set only', () => {
    const s = splitPrompts(['The movie was', 'I loved', 'The movie was', 'I loved', 'Worst']);
    const all = [...s.train, ...s.validation, ...s.test];
    expect(all.sort()).toEqual(['I loved', 'The movie was', 'Worst']);
    expect(s[splitOf('The movie was')]).toContain('The movie was');
  });

  it('puts a prompt and its word-prefixes and extensions in one set', () => {
    const prompts = ['The movie', 'The movie was', 'The movie was great', 'The film', 'I'];
    for (let k = 0; k < 40; k++) prompts.push(`p${k} q`, `p${k} q r`, `p${k}`);
    const s = splitPrompts(prompts);
    const setOf = (t: string) =>
      (['train', 'validation', 'test'] as const).find((n) => s[n].includes(t));
    expect(setOf('The movie was')).toBe(setOf('The movie'));
    expect(setOf('The movie was great')).toBe(setOf('The movie'));
    for (let k = 0; k < 40; k++) {
      expect(setOf(`p${k} q r`)).toBe(setOf(`p${k}`));
      expect(setOf(`p${k} q`)).toBe(setOf(`p${k}`));
    }
    // The group goes where its root (shortest member) goes.
    expect(setOf('The movie')).toBe(splitOf('The movie'));
  });

  it('isWordPrefix compares whole words', () => {
    expect(isWordPrefix('The movie', 'The movie was')).toBe(true);
    expect(isWordPrefix('The movie', 'The movie')).toBe(true);
    expect(isWordPrefix('The mov', 'The movie was')).toBe(false);
    expect(isWordPrefix('The movie was', 'The movie')).toBe(false);
  });

  it('keeps a prompt in the same set whatever else is in the list (no prefixes among them)', () => {
    const a = splitPrompts(['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
    const b = splitPrompts(['x6', 'x4', 'x2']);
    for (const name of ['train', 'validation', 'test'] as const) {
      for (const p of b[name]) expect(a[name]).toContain(p);
    }
  });

  it('gives the built-in task sets disjoint by content: no prompt a word-prefix of another set', () => {
    const { heldOut } = builtinTask();
    const prompts = builtinPrompts(heldOut, heldOut.length, 0);
    // Templated prefixes repeat across reviews: fewer distinct texts than reviews.
    expect(new Set(prompts).size).toBeLessThan(prompts.length);
    const s = splitPrompts(prompts);
    const [train, validation, test] = [new Set(s.train), new Set(s.validation), new Set(s.test)];
    expect(train.size).toBe(s.train.length);
    for (const p of test) {
      expect(train.has(p)).toBe(false);
      expect(validation.has(p)).toBe(false);
    }
    for (const p of validation) expect(train.has(p)).toBe(false);
    // Issue 23: a split by text left 257 of 309 test prompts a word-prefix of a training
    // prompt or an extension of one.
    const crossing = (a: string[], b: string[]) =>
      a.filter((x) => b.some((y) => isWordPrefix(x, y) || isWordPrefix(y, x))).length;
    expect(crossing(s.test, s.train)).toBe(0);
    expect(crossing(s.validation, s.train)).toBe(0);
    expect(crossing(s.test, s.validation)).toBe(0);
    // The sizes the frontier docs print (756 / 256 / 367) and ≥ 256 test prompts.
    expect([train.size, validation.size, test.size]).toEqual([756, 256, 367]);
    const total = train.size + validation.size + test.size;
    expect(total).toBe(new Set(prompts).size);
    // Roughly 60 / 20 / 20 of the distinct prompts (groups make it lumpy: 55 / 19 / 27).
    expect(train.size / total).toBeGreaterThan(0.5);
    expect(train.size / total).toBeLessThan(0.65);
    expect(test.size).toBeGreaterThanOrEqual(256);
    expect(validation.size).toBeGreaterThanOrEqual(256);
  });

  it('refuses fractions that leave no test set', () => {
    expect(() => splitPrompts(['a'], { train: 0.8, validation: 0.2 })).toThrow(/fractions/);
  });
});
