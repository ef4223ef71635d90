import { describe, expect, it } from 'vitest';
import { builtinPrompts, builtinTask } from './builtin';
import { fnv1a32, splitOf, splitPrompts } from './promptSplit';

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

  it('keeps a prompt in the same set whatever else is in the list', () => {
    const a = splitPrompts(['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
    const b = splitPrompts(['x6', 'x4', 'x2']);
    for (const name of ['train', 'validation', 'test'] as const) {
      for (const p of b[name]) expect(a[name]).toContain(p);
    }
  });

  it('gives the built-in task disjoint train, validation and test sets as text', () => {
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
    const total = train.size + validation.size + test.size;
    expect(total).toBe(new Set(prompts).size);
    // Roughly 60 / 20 / 20 of the distinct prompts.
    expect(train.size / total).toBeGreaterThan(0.55);
    expect(train.size / total).toBeLessThan(0.65);
    expect(test.size).toBeGreaterThan(200);
    expect(validation.size).toBeGreaterThan(200);
  });

  it('refuses fractions that leave no test set', () => {
    expect(() => splitPrompts(['a'], { train: 0.8, validation: 0.2 })).toThrow(/fractions/);
  });
});
