/** The experiments a walkthrough bench opens: every guided one, then the closed-form card. */
import { CLOSED_FORM_ID } from '../src/pipeline/closedForm/problem';
import { EXPERIMENTS } from '../src/pipeline/experiments/experiments';

export function walkthroughExperiments(only?: readonly string[]) {
  const all = [
    ...EXPERIMENTS.map((e) => ({ id: e.id, expected: e.expected })),
    { id: CLOSED_FORM_ID, expected: 'closed-form' },
  ];
  return only && only.length > 0 ? all.filter((e) => only.includes(e.id)) : all;
}
