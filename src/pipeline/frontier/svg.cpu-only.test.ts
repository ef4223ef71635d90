import { describe, expect, it } from 'vitest';
import type { FrontierPoint } from './points';
import { DEFAULT_X_LABEL, DEFAULT_Y_LABEL, escapeXml, frontierSvg, niceTicks } from './svg';

const p = (runId: string, over: Partial<FrontierPoint>): FrontierPoint => ({
  runId,
  algorithm: 'dpo',
  label: runId,
  step: 0,
  kl: 0,
  klStderr: 0,
  klKind: 'exact',
  reward: 0.5,
  rewardStderr: 0.01,
  samples: 64,
  ...over,
});

const POINTS: FrontierPoint[] = [
  p('sft', { algorithm: 'sft', label: 'SFT' }),
  p('dpo', { label: 'DPO <β> & "friends"' }),
  p('dpo', { step: 40, kl: 6.5, reward: 0.64 }),
  p('dpo', { step: 20, kl: 3, reward: 0.6 }),
  p('pft', { algorithm: 'preferred-ft', label: 'Preferred-FT', step: 20, kl: 1.5, reward: 0.57 }),
  ...[1, 4, 16].map((n) =>
    p('bon', {
      algorithm: 'best-of-n',
      label: 'Best-of-N',
      n,
      kl: Math.log(n) - (n - 1) / n,
      klKind: 'analytic',
      reward: 0.5 + n / 100,
    }),
  ),
];

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 × 10^k and covers the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 21.7)).toEqual([0, 5, 10, 15, 20, 25]);
    // (0.66 − 0.48)/6 = 0.03 rounds up to 0.05; the ends round outwards.
    expect(niceTicks(0.48, 0.66)).toEqual([0.45, 0.5, 0.55, 0.6, 0.65, 0.7]);
    expect(niceTicks(0.5, 0.62)).toEqual([0.5, 0.52, 0.54, 0.56, 0.58, 0.6, 0.62]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
});

describe('frontierSvg', () => {
  const svg = frontierSvg(POINTS, { title: 'T <1>' });

  it('draws one path per run, in step order, with a legend entry each', () => {
    const paths = [...svg.matchAll(/<path class="series" d="([^"]*)"/g)].map((m) => m[1] ?? '');
    expect(paths).toHaveLength(4);
    const runs = [...svg.matchAll(/<g class="run" data-run="([^"]*)">/g)].map((m) => m[1]);
    expect(runs).toEqual(['sft', 'dpo', 'pft', 'bon']);
    // DPO's path visits KL 0, 3, 6.5 (steps 0, 20, 40): x increases along it.
    const xs = (paths[1] ?? '')
      .split(/[ML]/)
      .filter(Boolean)
      .map((s) => Number(s.trim().split(' ')[0]));
    expect(xs).toHaveLength(3);
    expect(xs[0]).toBeLessThan(xs[1] ?? 0);
    expect(xs[1]).toBeLessThan(xs[2] ?? 0);
    expect(svg).toContain('stroke-dasharray="6 4"'); // Best-of-N
    expect(svg).toContain('>Best-of-N (KL ≤ log N − (N−1)/N)</text>');
    expect(svg.match(/<line class="stderr"/g)).toHaveLength(POINTS.length);
  });

  it('labels both axes and escapes user text', () => {
    expect(svg).toContain(`>${escapeXml(DEFAULT_X_LABEL)}</text>`);
    expect(svg).toContain(`>${DEFAULT_Y_LABEL}</text>`);
    expect(svg).toContain('>T &lt;1&gt;</text>');
    expect(svg).toContain('>DPO &lt;β&gt; &amp; &quot;friends&quot;</text>');
    expect(svg).not.toContain('<β>');
    expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.split('\n')[1]).toBe('<title>T &lt;1&gt;</title>'); // the document's alt text
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });

  it('draws a ± s.e. band per series for points aggregated across seeds, with notes', () => {
    const banded = POINTS.map((q) => ({ ...q, seeds: 3 }));
    const out = frontierSvg(banded, { notes: ['budget: 160 updates, 640 samples'] });
    // One band for each series of ≥ 2 points (dpo, bon); the SFT point and the single
    // Preferred-FT point keep their error bars.
    expect(out.match(/<path class="band"/g)).toHaveLength(2);
    expect(out.match(/<line class="stderr"/g)).toHaveLength(2);
    expect(out).toContain('>bands: mean ± s.e. across 3 seeds</text>');
    expect(out).toContain('>budget: 160 updates, 640 samples</text>');
    // The DPO band: 3 upper + 3 lower vertices, the upper edge above the series.
    const d = out.match(/<g class="run" data-run="dpo">\n<path class="band" d="M([^"]*) Z"/)?.[1];
    const ys = (d ?? '').split(' L').map((v) => Number(v.split(' ')[1]));
    expect(ys).toHaveLength(6);
    expect(ys[0]).toBeLessThan(ys[5] ?? 0); // SVG y grows downward: upper edge has smaller y
    expect(svg).not.toContain('class="band"'); // single-seed points: no band by default
  });

  it('ticks the x axis from 0 past the largest KL', () => {
    const ticks = [
      ...svg.matchAll(/<text x="[^"]*" y="[^"]*" text-anchor="middle">([^<]*)<\/text>/g),
    ].map((m) => m[1]);
    // KL up to 6.5 in about 6 intervals: a step of 2 (1.08 rounded up), the last tick past 6.5.
    expect(ticks).toEqual(['0', '2', '4', '6', '8']);
  });

  it('leaves points past maxKl out of the plot and says how many', () => {
    const clipped = frontierSvg(POINTS, { maxKl: 4 });
    const ticks = [
      ...clipped.matchAll(/<text x="[^"]*" y="[^"]*" text-anchor="middle">([^<]*)<\/text>/g),
    ].map((m) => m[1]);
    // The DPO point at KL 6.5 is left out: the axis now ends at the next tick past 3.
    expect(ticks.at(-1)).toBe('3.0');
    expect(clipped).toContain('1 points past KL 4 not drawn (all in points.csv)');
    expect(frontierSvg(POINTS, { maxKl: 10 })).not.toContain('not drawn');
  });
});
