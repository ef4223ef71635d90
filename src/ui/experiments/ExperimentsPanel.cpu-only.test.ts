import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { EXPERIMENTS } from '../../pipeline/experiments/experiments';
import type { WorkerClient } from '../../worker/client';
import { ExperimentsPanel } from './ExperimentsPanel';

const client = { on: () => () => {}, send: () => {} } as unknown as WorkerClient;
const render = (selected: string, model = 'micro') =>
  renderToStaticMarkup(
    createElement(ExperimentsPanel, {
      client,
      selected,
      onSelect: () => {},
      seed: 1,
      canRun: true,
      model,
      onRunStart: () => {},
    }),
  );

describe('ExperimentsPanel', () => {
  it('lists every experiment and opens none without a link', () => {
    const html = render('');
    for (const e of EXPERIMENTS) expect(html).toContain(`data-testid="experiment-${e.id}"`);
    expect(html).not.toContain('data-testid="experiment-open"');
  });

  it('opens the linked experiment: question, predictions, charts, sources, no run before a guess', () => {
    const exp = EXPERIMENTS.find((e) => e.id === 'label-noise');
    if (!exp) throw new Error('missing');
    const html = render(exp.id);
    expect(html).toContain('data-experiment="label-noise"');
    expect(html).toContain(exp.question.replace(/'/g, '&#x27;').slice(0, 40));
    for (const p of exp.predictions) expect(html).toContain(`data-testid="predict-${p.id}"`);
    for (const k of exp.charts) expect(html).toContain(`data-testid="experiment-chart-${k}"`);
    expect(html).toMatch(
      /data-testid="experiment-run"[^>]*disabled=""|disabled=""[^>]*data-testid="experiment-run"/,
    );
    expect(html).toContain('arXiv:2403.00409');
    expect(html).toContain('the 3 runs');
    expect(html).toContain('Checked on the micro model in Node: the effect appeared in');
    expect(render(exp.id, 'nano')).toContain('Checked on the micro model; this page uses another.');
  });
});
