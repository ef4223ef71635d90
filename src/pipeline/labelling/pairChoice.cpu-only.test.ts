import { describe, expect, it } from 'vitest';
import { choosePair, differingWords, seenWords, wantsMore } from './pairChoice';

describe('which pair to show next', () => {
  it('counts the words in which two completions differ, case and repeats aside', () => {
    expect(differingWords(' a Good film, good', ' a bad film!').sort()).toEqual(['bad', 'good']);
    expect(differingWords(' same words', ' Same  words')).toEqual([]);
    expect([...seenWords([{ a: 'x y', b: 'x z' }])].sort()).toEqual(['y', 'z']);
  });

  it('new words first: the pair with most words no shown pair differed in, first of equals', () => {
    const pairs = [
      { a: ' the cast', b: ' the plot' }, // cast, plot: 1 new (plot seen)
      { a: ' great acting', b: ' dull acting here' }, // great, dull, here: 3 new
      { a: ' I loved it so', b: ' it was fine' }, // i, loved, so, was, fine: 4 new, 1 seen
      { a: ' loved fine', b: ' dull' }, // 2 new now, none once 1 and 2 are shown
    ];
    const seen = new Set(['plot', 'loved']);
    expect(choosePair(pairs, seen, 'new-words')).toBe(2);
    expect(choosePair(pairs, seen, 'sampled')).toBe(0);
    // Once 2 and 1 are shown, 0 (cast) beats 3 (nothing new): novelty, not length, decides.
    const after = seenWords([pairs[2], pairs[1]].flatMap((p) => (p ? [p] : [])));
    for (const w of seen) after.add(w);
    expect(
      choosePair(
        [pairs[0], pairs[3]].flatMap((p) => (p ? [p] : [])),
        after,
        'new-words',
      ),
    ).toBe(0);
    // Ties go to the earliest sampled.
    expect(
      choosePair(
        [pairs[3], pairs[3]].flatMap((p) => (p ? [p] : [])),
        new Set(),
        'new-words',
      ),
    ).toBe(0);
    expect(choosePair([], seen, 'new-words')).toBe(-1);
  });

  it('new words first keeps ≥ 16 pairs to choose among; as sampled asks only when none wait', () => {
    expect(wantsMore(15, 'new-words')).toBe(true);
    expect(wantsMore(16, 'new-words')).toBe(false);
    expect(wantsMore(0, 'sampled')).toBe(true);
    expect(wantsMore(1, 'sampled')).toBe(false);
  });
});
