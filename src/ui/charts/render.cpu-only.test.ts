import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../pipeline/views';
import { TrainingCharts } from './TrainingCharts';

describe('TrainingCharts', () => {
  it('renders every chart card, empty or not', () => {
    const points: MetricPoint[] = [
      { step: 1, phase: 'dpo', loss: Math.LN2, 'rewards/accuracies': 0, beta: 0.1 },
    ];
    for (const p of [[], points]) {
      const html = renderToStaticMarkup(createElement(TrainingCharts, { points: p }));
      for (const id of [
        'chart-loss',
        'chart-rewards',
        'chart-margins',
        'chart-accuracies',
        'chart-logps',
        'chart-grad-norm',
        'chart-eval-reward',
        'chart-eval-kl',
      ]) {
        expect(html).toContain(`data-testid="${id}"`);
      }
      expect(html).toContain('KL(π_θ(·|y&lt;t) ‖ π_ref(·|y&lt;t))');
    }
  });
});
