import { readFileSync } from 'node:fs';
import { Children, createElement, isValidElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { Legend, Scatter } from 'recharts';
import { describe, expect, it } from 'vitest';
import { seedBands } from '../../pipeline/frontier/acrossSeeds';
import { parseFrontierResults } from '../../pipeline/frontier/frontierImport';
import { frontierPoint as pt } from '../../test/frontier';
import { FrontierChart, frontierSeries } from './FrontierChart';
import { FrontierImports } from './FrontierImports';

const DIR = 'e2e/fixtures/trl-job-results';
const job = parseFrontierResults(
  ['points.json', 'summary.json'].map((name) => ({
    name,
    bytes: new Uint8Array(readFileSync(`${DIR}/${name}`)),
  })),
  'import-1',
);
/** The page's own sweep: SFT and DPO β=0.1, as the panel holds them. */
const own = [
  pt('sft', 1, 0, 0, 0.5, { label: 'SFT' }),
  pt('dpo-beta0.1', 1, 0, 0, 0.5, { label: 'DPO β=0.1' }),
  pt('dpo-beta0.1', 1, 4, 1, 0.6, { label: 'DPO β=0.1' }),
];

/** Every element of `type` in a rendered tree (recharts draws nothing in static markup). */
function elementsOf(node: ReactNode, type: unknown): { props: Record<string, unknown> }[] {
  const out: { props: Record<string, unknown> }[] = [];
  Children.forEach(node, (child) => {
    if (!isValidElement<{ children?: ReactNode }>(child)) return;
    if (child.type === type) out.push(child as unknown as { props: Record<string, unknown> });
    out.push(...elementsOf(child.props.children, type));
  });
  return out;
}

describe('opened frontiers in the frontier chart', () => {
  // As FrontierPanel draws them: its points, then every opened frontier's.
  const series = frontierSeries(seedBands([...own, ...job.points]), new Set());
  const chart = FrontierChart({ series, seeds: 1 });

  it('draws the TRL job’s curves beside the page’s runs, named in the legend by source', () => {
    expect(elementsOf(chart, Legend)).toHaveLength(1);
    // The legend lists the scatter series by name.
    expect(elementsOf(chart, Scatter).map((s) => s.props.name)).toEqual([
      'SFT',
      'DPO β=0.1',
      'SFT (TRL job)',
      'DPO β=0.1 (TRL job)',
    ]);
    const colours = series.map((s) => s.color);
    expect(new Set(colours).size).toBe(colours.length);
    // The page's own curves keep their colours when results are opened.
    const alone = frontierSeries(seedBands(own), new Set());
    expect(series.slice(0, 2).map((s) => s.color)).toEqual(alone.map((s) => s.color));
  });

  it('lists each opened frontier with its source and curves, and a Remove button', () => {
    const html = renderToStaticMarkup(
      createElement(FrontierImports, { imported: [job], onOpen: () => {}, onRemove: () => {} }),
    );
    expect(html).toContain('data-testid="frontier-imported-item"');
    expect(html).toContain('<strong>trl-job-smoke</strong> (TRL job)');
    expect(html).toContain('SFT (TRL job), DPO β=0.1 (TRL job)');
    expect(html).toMatch(/<button[^>]*>Remove<\/button>/);
    const none = renderToStaticMarkup(
      createElement(FrontierImports, { imported: [], onOpen: () => {}, onRemove: () => {} }),
    );
    expect(none).not.toContain('frontier-imported-item');
    expect(none).toContain('data-testid="frontier-open"');
  });
});
