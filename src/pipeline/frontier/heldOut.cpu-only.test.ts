import { describe, expect, it } from 'vitest';
import { pairAccuracy } from './heldOut';

describe('pairAccuracy', () => {
  it('counts strict wins of chosen over rejected; ties are wrong', () => {
    expect(pairAccuracy([1, 2, 3, 4], [0, 2, 4, 3])).toBe(0.5);
    expect(pairAccuracy([], [])).toBeNaN();
    expect(() => pairAccuracy([1], [])).toThrow(/length/);
  });
});
