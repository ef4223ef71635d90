import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { InspectorPair, SampleView } from '../../pipeline/views';
import { PairsTable } from './PairsTable';
import { SamplesPanel } from './SamplesPanel';
import { ScrollTable } from './ScrollTable';
import { StepInspector } from './StepInspector';

const sample: SampleView = {
  prompt: 'This movie',
  promptIds: [1, 2],
  tokens: [3, 4, 5],
  tokenTexts: [' was', '  <b>great</b>', '\n'],
  policyLogps: [-1, -2, -0.5],
  refLogps: [-1.5, -1, -0.5],
  text: ' was  <b>great</b>\n',
  reward: 0.9,
  refText: ' was bad',
  refReward: 0.1,
};

const pair: InspectorPair = {
  index: 7,
  prompt: 'I <3 it',
  chosen: 'good',
  rejected: 'bad',
  policyChosen: -10,
  policyRejected: -11,
  refChosen: -12,
  refRejected: -10,
  loss: 0.2014,
  beta: 0.5,
  // β·Δ of the loss: Δ_w = 2, Δ_l = −1.
  rewardChosen: 1,
  rewardRejected: -0.5,
};

describe('panels render', () => {
  it('renders samples as text, one span per token with its numbers', () => {
    const html = renderToStaticMarkup(
      createElement(SamplesPanel, { samples: [sample], beta: 0.1 }),
    );
    expect(html).toContain('data-testid="samples-panel"');
    expect(html).toContain('  &lt;b&gt;great&lt;/b&gt;');
    expect(html).not.toContain('<b>');
    expect(html.match(/class="token"/g)).toHaveLength(3);
    expect(html).toContain('β·Δ = +0.05');
    expect(html).toContain('var(--good)');
    expect(html).toContain('var(--bad)');
    expect(renderToStaticMarkup(createElement(SamplesPanel, { samples: [], beta: 0.1 }))).toContain(
      'samples-panel',
    );
  });

  it('renders the inspector with the derived values', () => {
    const html = renderToStaticMarkup(
      createElement(StepInspector, { pairs: [pair], lossType: 'sigmoid' }),
    );
    expect(html).toContain('data-testid="step-inspector"');
    expect(html).toContain('I &lt;3 it');
    expect(html).toContain('+3'); // h
    expect(html).toContain('+1.5'); // r̂_w − r̂_l = β·h
    expect(html).toContain('0.182'); // σ(−1.5)
    expect(html).toContain('L = −log σ(β·h)');
    const ipo = renderToStaticMarkup(
      createElement(StepInspector, { pairs: [pair], lossType: 'ipo' }),
    );
    expect(ipo).toContain('(h − 1/(2β))²');
    expect(ipo).toContain('DPO on these rewards: −log σ(r̂_w − r̂_l) = 0.2014');
  });

  it('shows a reference-free objective’s own rewards (SimPO: β·p̄), not β·Δ', () => {
    // The loss's rewards β·p̄ for p̄_w = −2.5, p̄_l = −5.5 at β = 0.5.
    const simpo = { ...pair, rewardChosen: -1.25, rewardRejected: -2.75 };
    const html = renderToStaticMarkup(
      createElement(StepInspector, { pairs: [simpo], lossType: 'simpo' }),
    );
    expect(html).toContain('r̂ = β·p̄');
    expect(html).toContain('−1.25');
    expect(html).toContain('+1.5'); // the margin, as the loss sees it
    expect(html).not.toContain('log π_ref(y|x)');
    expect(html).not.toContain('r̂ = β·Δ');
  });

  it('renders at most 50 pairs', () => {
    const pairs = Array.from({ length: 80 }, (_, i) => ({
      prompt: `p${i}`,
      chosen: 'c',
      rejected: 'r',
      chosenReward: 0.8,
      rejectedReward: 0.2,
    }));
    const html = renderToStaticMarkup(createElement(PairsTable, { pairs, total: 80 }));
    expect(html).toContain('data-testid="pairs-table"');
    expect(html.match(/<tr>/g)).toHaveLength(51);
    expect(html).toContain('Showing 50 of 80');
  });

  it('ScrollTable: one header row, the rows in the body, its props on the <table>', () => {
    const head = createElement('th', null, 'h');
    const row = createElement('tr', null, createElement('td', null, 'x'));
    // As JSX passes it: a data-* attribute is not part of the props' type.
    const props = { head, className: 'runs', 'data-count': 2, children: row };
    const html = renderToStaticMarkup(createElement(ScrollTable, props));
    expect(html).toBe(
      '<div class="pairs-scroll"><table class="pairs runs" data-count="2"><thead><tr><th>h</th>' +
        '</tr></thead><tbody><tr><td>x</td></tr></tbody></table></div>',
    );
  });
});
