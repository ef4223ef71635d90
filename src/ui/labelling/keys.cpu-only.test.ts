import { describe, expect, it } from 'vitest';
import { isTypingTarget, shortcutFor } from './keys';

describe('shortcutFor', () => {
  const body = { tagName: 'BODY' };
  it('maps 1 / 2 / 0 / space to a label while a pair is shown', () => {
    expect(shortcutFor({ key: '1' }, body, true)).toEqual({ kind: 'label', choice: 'a' });
    expect(shortcutFor({ key: '2' }, body, true)).toEqual({ kind: 'label', choice: 'b' });
    expect(shortcutFor({ key: '0' }, body, true)).toEqual({ kind: 'label', choice: 'tie' });
    expect(shortcutFor({ key: ' ' }, body, true)).toEqual({ kind: 'label', choice: 'skip' });
    expect(shortcutFor({ key: '1' }, body, false)).toBeNull();
  });

  it('maps t / p / s to train, pause, step whether or not a pair is shown', () => {
    expect(shortcutFor({ key: 't' }, body, false)).toEqual({ kind: 'run', action: 'train' });
    expect(shortcutFor({ key: 'P' }, body, true)).toEqual({ kind: 'run', action: 'pause' });
    expect(shortcutFor({ key: 's' }, body, false)).toEqual({ kind: 'run', action: 'step' });
    expect(shortcutFor({ key: 'x' }, body, true)).toBeNull();
  });

  it('leaves keys alone with a modifier or while typing in a field', () => {
    expect(shortcutFor({ key: 's', ctrlKey: true }, body, true)).toBeNull();
    expect(shortcutFor({ key: '1', metaKey: true }, body, true)).toBeNull();
    const input = { tagName: 'INPUT', type: 'number' };
    expect(shortcutFor({ key: '1' }, input, true)).toBeNull();
    expect(shortcutFor({ key: 't' }, { tagName: 'TEXTAREA' }, true)).toBeNull();
    expect(shortcutFor({ key: 't' }, { tagName: 'DIV', isContentEditable: true }, true)).toBeNull();
    // A focused button or checkbox takes no text: shortcuts still work there.
    expect(shortcutFor({ key: '2' }, { tagName: 'BUTTON' }, true)).toEqual({
      kind: 'label',
      choice: 'b',
    });
    expect(isTypingTarget({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
    expect(isTypingTarget({ tagName: 'SELECT' })).toBe(true);
    expect(isTypingTarget(null)).toBe(false);
  });
});
