import { useEffect, useRef } from 'react';
import { type ShortcutAction, shortcutFor } from './keys';

/**
 * Window-wide shortcuts (keys.ts): labelling keys while `canLabel`, t / p / s for the run.
 * A handled key's default (a page scroll on space, a focused button's click) is prevented.
 */
export function useShortcuts(canLabel: boolean, act: (a: ShortcutAction) => void): void {
  const latest = useRef({ canLabel, act });
  latest.current = { canLabel, act };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat) return;
      const a = shortcutFor(e, e.target, latest.current.canLabel);
      if (!a) return;
      e.preventDefault();
      latest.current.act(a);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
