import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import {
  CLOSED_FORM_PREDICTIONS,
  type ClosedFormResult,
  closedFormOptimum,
  closedFormProblem,
  klDivergence,
  softmax,
  totalVariation,
} from '../../pipeline/closedForm/problem';
import type { WorkerClient } from '../../worker/client';
import type { WorkerRequest } from '../../worker/protocol';
import { ClosedFormCard, ClosedFormResultView, requestClosedForm } from './ClosedFormCard';
import { ExperimentsPanel } from './ExperimentsPanel';

/** A result as the worker would send it, π_θ a small step off π* (no tfjs needed). */
function fixture(beta: number): ClosedFormResult {
  const problem = closedFormProblem(1);
  const prompts = problem.prompts.map((prompt, x) => {
    const ref = softmax(problem.refLogits[x] ?? []);
    const rewards = problem.rewards[x] ?? [];
    const { probs: optimum, logZ } = closedFormOptimum(ref, rewards, beta);
    const policy = softmax(optimum.map((p, i) => Math.log(p) + (i === 0 ? 0.05 : 0)));
    return {
      prompt,
      rewards,
      ref,
      optimum,
      logZ,
      policy,
      population: optimum,
      tv: totalVariation(optimum, policy),
      kl: klDivergence(optimum, policy),
      populationTv: 1e-7,
      populationKl: 1e-9,
      klOptimumRef: klDivergence(optimum, ref),
    };
  });
  return {
    beta,
    seed: 1,
    pairsPerPrompt: 100_000,
    steps: 400,
    completions: problem.completions,
    prompts,
    trace: [
      { step: 0, tv: 0.5, kl: 1, populationTv: 0.5, populationKl: 1 },
      { step: 200, tv: 0.01, kl: 1e-3, populationTv: 1e-4, populationKl: 1e-6 },
    ],
  };
}

const quietClient = { on: () => () => {}, send: () => {} } as unknown as WorkerClient;

describe('The closed-form optimum card', () => {
  it('asks for a prediction before it runs, and offers three β and three data sizes', () => {
    const html = renderToStaticMarkup(
      createElement(ClosedFormCard, { client: quietClient, seed: 1, canRun: true }),
    );
    expect(html).toContain('The closed-form optimum');
    for (const p of CLOSED_FORM_PREDICTIONS)
      expect(html).toContain(`data-testid="predict-${p.id}"`);
    for (const b of ['0.1', '0.5', '2']) expect(html).toContain(`<option value="${b}"`);
    expect(html).toContain('100,000');
    expect(html).toMatch(
      /data-testid="closed-form-run"[^>]*disabled=""|disabled=""[^>]*data-testid="closed-form-run"/,
    );
    expect(html).toContain('arXiv:2305.18290');
  });

  it('draws π_ref, π* and π_θ per prompt, reads the result and judges the prediction', () => {
    const r = fixture(0.5);
    const right = renderToStaticMarkup(
      createElement(ClosedFormResultView, { result: r, predicted: 'closed-form' }),
    );
    expect(right.match(/data-testid="closed-form-prompt"/g)).toHaveLength(3);
    expect(right).toContain('The acting was not');
    expect(right).toContain('within TV');
    expect(right).toContain('by step 200');
    expect(right).toContain('Your prediction was right.');
    const wrong = renderToStaticMarkup(
      createElement(ClosedFormResultView, { result: r, predicted: 'best-only' }),
    );
    expect(wrong).toContain('Not what you predicted');
  });

  it('is a chip of the Experiments panel', () => {
    const html = renderToStaticMarkup(
      createElement(ExperimentsPanel, {
        client: quietClient,
        selected: '',
        onSelect: () => {},
        seed: 1,
        canRun: true,
        model: 'micro',
        onRunStart: () => {},
      }),
    );
    expect(html).toContain('data-testid="experiment-closed-form"');
    expect(html).not.toContain('data-testid="closed-form"');
  });

  it('asks the worker with a closed-form request and takes its result', async () => {
    const sent: WorkerRequest[] = [];
    const client = {
      request: async (req: WorkerRequest, type: string) => {
        sent.push(req);
        if (req.type !== 'closed-form' || type !== 'closed-form-result') throw new Error('no');
        return { type, result: fixture(req.beta) };
      },
    } as unknown as Pick<WorkerClient, 'request'>;
    const args = { beta: 2, seed: 1, pairsPerPrompt: 1000 };
    const result = await requestClosedForm(client, args);
    expect(result.beta).toBe(2);
    expect(sent[0]).toEqual({ type: 'closed-form', ...args });
  });
});
