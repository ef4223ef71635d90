import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { lastFluency, SamplesPanel } from './SamplesPanel';

describe('fluency beside the samples', () => {
  it('takes the newest point that has both figures', () => {
    expect(
      lastFluency([
        { step: 0, phase: 'dpo', 'eval/fluency': 0.97, 'eval/ref_fluency': 0.97 },
        { step: 20, phase: 'dpo', 'eval/fluency': 0.91, 'eval/ref_fluency': 0.97 },
        { step: 21, phase: 'dpo', loss: 0.5 },
      ]),
    ).toEqual({ ref: 0.97, policy: 0.91 });
    expect(lastFluency([{ step: 1, phase: 'dpo', loss: 0.6 }])).toBeNull();
  });

  it('shows π_ref and π_θ side by side, only once there is a figure', () => {
    const html = renderToStaticMarkup(
      createElement(SamplesPanel, {
        samples: [],
        beta: 0.1,
        fluency: { ref: 0.9712, policy: 0.95 },
      }),
    );
    expect(html).toContain('data-testid="samples-fluency"');
    expect(html).toMatch(/π_ref.*0\.971.*π_θ.*0\.950/s);
    const none = renderToStaticMarkup(createElement(SamplesPanel, { samples: [], beta: 0.1 }));
    expect(none).not.toContain('samples-fluency');
  });
});
