import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedFormTable, hasClosedFormBlock, withClosedFormTable } from './docTable';

describe("the closed-form section's table in docs/experiments.md", () => {
  it('is what the experiment computes (npm run verify:experiments -- --docs)', async () => {
    const text = readFileSync(resolve(__dirname, '../../../docs/experiments.md'), 'utf8');
    expect(hasClosedFormBlock(text)).toBe(true);
    const table = await closedFormTable();
    expect(table.split('\n')).toHaveLength(2 + 9);
    // The population run reaches π* to float32 precision in every row.
    for (const row of table.split('\n').slice(2)) expect(row).toContain('< 1e-5 / < 1e-5');
    expect(withClosedFormTable(text, table)).toBe(text);
  }, 300_000);
});
