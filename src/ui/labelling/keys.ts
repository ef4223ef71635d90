/**
 * Keyboard shortcuts: labelling (1 / 2 / 0 / space) and the run (t train, p pause, s step).
 * Pure, so the mapping and the "not while typing" rule are unit-tested.
 */
import type { LabelChoice } from '../../data/labels';

export type ShortcutAction =
  | { kind: 'label'; choice: LabelChoice }
  | { kind: 'run'; action: 'train' | 'pause' | 'step' };

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** What the shortcuts document: key → what it does. */
export const SHORTCUTS: readonly { key: string; label: string }[] = [
  { key: '1', label: 'completion 1 is better' },
  { key: '2', label: 'completion 2 is better' },
  { key: '0', label: 'tie (kept, not trained on)' },
  { key: 'space', label: 'skip' },
  { key: 't', label: 'train' },
  { key: 'p', label: 'pause' },
  { key: 's', label: 'one step' },
];

/** An element that takes typed text: shortcuts must leave its keys alone. */
export function isTypingTarget(el: unknown): boolean {
  if (!el || typeof el !== 'object') return false;
  const e = el as { tagName?: string; isContentEditable?: boolean; type?: string };
  const tag = (e.tagName ?? '').toLowerCase();
  if (e.isContentEditable) return true;
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag !== 'input') return false;
  // Buttons and boxes take no text; every other input (text, number, range…) keeps its keys.
  return !['button', 'submit', 'reset', 'checkbox', 'radio'].includes((e.type ?? '').toLowerCase());
}

/**
 * The action of a key press, or null. Labelling keys act only while a pair is on the card;
 * nothing acts with a modifier (browser shortcuts) or while an input has the focus.
 */
export function shortcutFor(e: KeyLike, target: unknown, canLabel: boolean): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(target)) return null;
  if (canLabel) {
    const choice: LabelChoice | undefined = (
      { '1': 'a', '2': 'b', '0': 'tie', ' ': 'skip' } as const
    )[e.key as '1' | '2' | '0' | ' '];
    if (choice) return { kind: 'label', choice };
  }
  const run = ({ t: 'train', p: 'pause', s: 'step' } as const)[e.key.toLowerCase() as 't'];
  return run ? { kind: 'run', action: run } : null;
}
