import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { type LabelView, labelCounts } from '../../data/labels';
import type { WhatChanged } from '../../task/textStats';
import { latestAgreement } from './AgreementChart';
import { LabellingPanel, type LabellingPanelProps } from './LabellingPanel';

const label = (id: string, choice: LabelView['choice'], heldOut = false): LabelView => ({
  id,
  prompt: 'The <b>film</b>',
  a: ' was long and slow.',
  b: ' rocks!',
  choice,
  heldOut,
  source: 'you',
  sampledFrom: 'ref',
  createdAt: 1,
});

const changed: WhatChanged = {
  step: 60,
  ref: {
    samples: 32,
    meanTokens: 15.1,
    meanChars: 57.3,
    exclamationsPerSample: 0.09,
    meanReward: 0.51,
  },
  policy: {
    samples: 32,
    meanTokens: 9.5,
    meanChars: 30.8,
    exclamationsPerSample: 0.13,
    meanReward: 0.6,
  },
  rising: [{ word: 'fun', logRatio: 2.5, count: 3 }],
  examples: [
    { prompt: 'I', ref: ' saw it twice and', policy: ' loved it.', refReward: 0.5, reward: 0.8 },
  ],
};

function props(extra: Partial<LabellingPanelProps> = {}): LabellingPanelProps {
  const labels = [label('1', 'b'), label('2', 'a', true), label('3', 'skip')];
  const noop = () => undefined;
  return {
    candidate: { prompt: 'I <3', a: ' it.', b: ' it!', sampledFrom: 'ref', test: false },
    loading: false,
    labels,
    counts: labelCounts(labels.map((l) => ({ ...l, promptIds: [], aIds: [], bIds: [] }))),
    agreement: [
      { step: 0, heldOut: 0.5, heldOutN: 4 },
      { step: 60, heldOut: 0.75, heldOutN: 4, test: 0.8125, testN: 16 },
    ],
    whatChanged: changed,
    sampleFrom: 'ref',
    pairOrder: 'new-words',
    onPairOrder: noop,
    canSamplePolicy: false,
    onSampleFrom: noop,
    onLabel: noop,
    onEdit: noop,
    onRemove: noop,
    onTrain: noop,
    canTrain: true,
    onTestMe: noop,
    testLeft: 0,
    onWhatChanged: noop,
    canCompare: true,
    onExport: noop,
    onImport: noop,
    busy: false,
    ...extra,
  };
}

describe('the labelling panel', () => {
  it('is a labelled region with the card, counts, agreement and what changed, all as text', () => {
    const html = renderToStaticMarkup(createElement(LabellingPanel, props()));
    expect(html).toMatch(/<section[^>]*aria-labelledby="([^"]+)"[^>]*>[\s\S]*<h2 id="\1"/);
    expect(html).toContain('data-count="3"'); // 3 labelled, the skip included
    expect(html).toContain('1 trained on · 1 held out');
    expect(html).toContain('I &lt;3'); // user text is escaped, never markup
    expect(html).not.toContain('<b>film</b>');
    expect(html).toContain('81%'); // the test round's figure is the headline
    expect(html).toContain('(before training: 50%)');
    expect(html).toContain('data-stat="meanChars" data-ref="57.3" data-policy="30.8"');
    expect(html).toContain('-26.5'); // 30.8 − 57.3
    expect(html).toContain('fun');
  });

  it('says when a pair is being sampled and disables the answers', () => {
    const html = renderToStaticMarkup(createElement(LabellingPanel, props({ loading: true })));
    expect(html).toContain('data-ready="false"');
    expect(html).toMatch(/data-testid="label-a" disabled=""/);
  });
});

describe('latestAgreement', () => {
  it('prefers the test round, else the held-out labels, else nothing', () => {
    expect(latestAgreement([])).toBeNull();
    expect(latestAgreement([{ step: 3, heldOut: 0.6, heldOutN: 5 }])).toMatchObject({
      value: 0.6,
      n: 5,
      on: 'held-out',
      step: 3,
    });
    expect(latestAgreement([{ step: 3, heldOut: Number.NaN, heldOutN: 0 }])).toBeNull();
  });

  it('gives the Wilson 95 % interval and the test round ties', () => {
    const a = latestAgreement([
      { step: 60, heldOut: 0.5, heldOutN: 12, test: 0.75, testN: 32, testTies: 9 },
    ]);
    // 24 of 32: Wilson (0.579, 0.867).
    expect(a).toMatchObject({ value: 0.75, n: 32, on: 'test', ties: 9 });
    expect(a?.lo).toBeCloseTo(0.5789, 3);
    expect(a?.hi).toBeCloseTo(0.8675, 3);
  });

  it('shows the word reward the labels gave and the imported file', () => {
    const html = renderToStaticMarkup(
      createElement(
        LabellingPanel,
        props({
          wordReward: {
            words: [
              { word: 'cast', weight: 1.8 },
              { word: 'plot', weight: -0.4 },
            ],
            heldOut: 0.9,
            pairs: 140,
            labels: 36,
            used: true,
          },
          imported: {
            file: 'class.jsonl',
            rows: 90,
            added: 70,
            duplicates: 20,
            conflicts: 3,
            known: 0,
            test: 3,
            skipped: 0,
          },
        }),
      ),
    );
    expect(html).toContain('cast +1.8');
    expect(html).not.toContain('plot');
    expect(html).toContain('picked 140 pairs');
    expect(html).toContain('20 duplicates merged, 3 conflicts');
    expect(html).toContain('3 rows are test pairs: kept out of training.');
  });
});
