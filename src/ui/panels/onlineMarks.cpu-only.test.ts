import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { PairPreview } from '../../pipeline/views';
import { roundLines } from '../charts/TrainingCharts';
import { PairsTable } from './PairsTable';

const row = (round: number, flipped: boolean): PairPreview => ({
  prompt: 'The film',
  chosen: flipped ? ' was dull' : ' was great',
  rejected: flipped ? ' was great' : ' was dull',
  chosenReward: flipped ? 0.25 : 0.75,
  rejectedReward: flipped ? 0.75 : 0.25,
  round,
  ...(flipped ? { flipped: true } : {}),
});

describe('online rounds and label noise on screen', () => {
  it('the pairs table shows each pair’s round and marks flipped labels', () => {
    const html = renderToStaticMarkup(
      createElement(PairsTable, { pairs: [row(2, true), row(2, false), row(1, false)], total: 3 }),
    );
    expect(html).toContain('<th class="num">round</th>');
    expect(html.match(/data-flipped="true"/g)).toHaveLength(1);
    expect(html.match(/<td class="num">2<\/td>/g)).toHaveLength(2);
    expect(html).toContain('labels flipped');
    // One offline round without noise: neither column.
    const plain = renderToStaticMarkup(
      createElement(PairsTable, { pairs: [row(1, false)], total: 1 }),
    );
    expect(plain).not.toContain('round</th>');
    expect(plain).not.toContain('⇄');
  });

  it('marks a line where each round after the first starts', () => {
    const lines = roundLines([
      { step: 0, phase: 'dpo', round: 1 },
      { step: 10, phase: 'dpo', loss: 0.6 },
      { step: 25, phase: 'dpo', round: 2 },
      { step: 50, phase: 'dpo', round: 3 },
      { step: 50, phase: 'dpo', round: 3 }, // replayed history: one line
    ]);
    expect(lines).toEqual([
      { x: 25, label: 'round 2' },
      { x: 50, label: 'round 3' },
    ]);
  });
});
