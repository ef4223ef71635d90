import { describe, expect, it } from 'vitest';
import { agreement } from '../../objectives/agreement';
import { testModel } from '../../test/helpers';
import { measureWhatChanged, pairLogps, sampleCandidates } from './labelling';

/** A toy tokenizer over the test model's 32 ids: letters a… map to ids, 31 is end-of-text. */
const tok = {
  eot: 31,
  encode: (t: string) => [...t].map((c) => c.charCodeAt(0) % 31),
  decode: (ids: number[]) =>
    ids.map((i) => (i === 31 ? '' : String.fromCharCode(97 + (i % 26)))).join(''),
  tokenText: (i: number) => (i % 5 === 0 ? ' ' : '') + String.fromCharCode(97 + (i % 26)),
};
const gen = { temperature: 1, maxNewTokens: 6 };

describe('labelling on a model', () => {
  it('samples two completions per prompt, reproducibly for a seed', async () => {
    const m = testModel(3, false);
    const prompts = ['ab', 'cde', 'f'];
    const c1 = await sampleCandidates(m, tok, prompts, gen, 11);
    const c2 = await sampleCandidates(m, tok, prompts, gen, 11);
    expect(c1).toEqual(c2);
    expect(c1.map((c) => c.prompt)).toEqual(prompts);
    expect(c1[1]?.promptIds).toEqual([31, ...tok.encode('cde')]);
    for (const c of c1) {
      expect(c.aIds.length).toBeGreaterThan(0);
      expect(c.a).toBe(tok.decode(c.aIds.filter((i) => i !== 31)));
    }
    // Two samples of one prompt are different draws, not one sample twice.
    expect(c1.some((c) => c.a !== c.b)).toBe(true);
    m.dispose();
  });

  it('gives agreement 0.5 when π_θ = π_ref, and a mirror image when every label flips', async () => {
    const ref = testModel(3, false);
    const policy = testModel(4, false);
    const c = await sampleCandidates(ref, tok, ['ab', 'cde', 'f', 'gh'], gen, 5);
    const pairs = c.map((x) => ({ prompt: x.promptIds, chosen: x.aIds, rejected: x.bIds }));
    const same = await pairLogps(ref, ref, pairs, tok.eot);
    expect(agreement(same, 0.1, 1e-6).agreement).toBe(0.5);
    const lp = await pairLogps(policy, ref, pairs, tok.eot);
    const flipped = await pairLogps(
      policy,
      ref,
      pairs.map((p) => ({ ...p, chosen: p.rejected, rejected: p.chosen })),
      tok.eot,
    );
    const a = agreement(lp, 0.1);
    const f = agreement(flipped, 0.1);
    expect(a.ties).toBe(f.ties);
    expect(a.agreement + f.agreement).toBeCloseTo(1, 12);
    expect(lp[0]?.policyChosen).toBeCloseTo(flipped[0]?.policyRejected ?? Number.NaN, 4);
    ref.dispose();
    policy.dispose();
  });

  it('reports identical statistics and no rising word when π_θ = π_ref', async () => {
    const m = testModel(3, false);
    const w = await measureWhatChanged(
      m,
      m,
      tok,
      ['ab', 'cde', 'f', 'gh'],
      { ...gen, seed: 9 },
      (y) => y.length / 10,
      0,
      2,
    );
    expect(w.policy).toEqual(w.ref);
    expect(w.ref.samples).toBe(4);
    expect(w.examples).toHaveLength(2);
    for (const r of w.rising) expect(Math.abs(r.logRatio)).toBeLessThan(1e-5);
    m.dispose();
  });
});
