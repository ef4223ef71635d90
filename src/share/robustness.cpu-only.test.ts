/**
 * Bad share links: ≥ 1,000 generated malformed query strings. decodeConfig never throws; it
 * returns a config inside the schema's bounds, with a short readable warning per bad value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attemptWithin, BOUND_MS, unclearMessage } from '../test/robustness';
import { PANEL_IDS, playgroundConfigSchema } from './playgroundConfig';
import { CONFIG_URL_KEYS, decodeConfig, encodeConfig } from './url';

const RUNS = 1_000;
const SEED = 20_241_129;

/** Text where a number, a name or a list belongs. */
const junkText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '-0', '0x10', '1e-400', ' 7 ', '1,5'),
  fc.constantFrom('%FF', '%E0%A4', '%', '%%', '%C0%AF', '%00', '+', '&', '=', '#', '?'),
  fc.double().map(String),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map(String),
  fc.constantFrom(...PANEL_IDS, 'controls,charts,,x', 'adam', 'ipo', 'best-vs-worst'),
  fc.string({ minLength: 1, maxLength: 6 }).map((s) => s.repeat(20_000)),
  fc.integer({ min: 1, max: 20_000 }).map((n) => Array(n).fill('charts').join(',')),
);

const pair = fc.tuple(
  fc.oneof(fc.constantFrom(...CONFIG_URL_KEYS), fc.string({ maxLength: 6 })),
  junkText,
);

/** A query string: encoded pairs, raw text, or both glued together. */
const query = fc.oneof(
  fc.array(pair, { maxLength: 8 }).map((ps) => new URLSearchParams(ps).toString()),
  fc.array(pair, { maxLength: 8 }).map((ps) => `?${ps.map(([k, v]) => `${k}=${v}`).join('&')}`),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

describe('decodeConfig on malformed links', () => {
  it(`returns a valid config and clear warnings for ${RUNS} malformed query strings`, () => {
    let warned = 0;
    fc.assert(
      fc.property(query, (search) => {
        const r = attemptWithin(() => decodeConfig(search), BOUND_MS);
        expect(r.error).toBeUndefined();
        expect(r.ms).toBeLessThan(BOUND_MS);
        const { config, warnings } = r.value ?? decodeConfig(search);
        expect(playgroundConfigSchema.safeParse(config).success).toBe(true);
        for (const w of warnings) {
          expect([w.message, unclearMessage(w.message)]).toEqual([w.message, undefined]);
        }
        warned += warnings.length > 0 ? 1 : 0;
        // What was accepted survives a round trip exactly.
        expect(decodeConfig(encodeConfig(config))).toEqual({ config, warnings: [] });
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(warned).toBeGreaterThan(RUNS / 2);
  });

  it('reads a 100,000-digit number quickly and quotes it and an unknown key shortly', () => {
    // The number pattern once backtracked quadratically here: 70 s for this one link.
    const link = `beta=${'9'.repeat(100_000)}x&${'k'.repeat(5000)}=1`;
    const r = attemptWithin(() => decodeConfig(link), BOUND_MS);
    expect(r.ms).toBeLessThan(BOUND_MS);
    const { warnings } = decodeConfig(link);
    expect(warnings.map((w) => w.message)).toEqual([
      `beta=${'9'.repeat(40)}… is not valid (Invalid input: expected number, received NaN); using the default 0.1`,
      `unknown setting "${'k'.repeat(40)}…" ignored`,
    ]);
    expect(warnings[1]?.key).toHaveLength(41);
  });

  it('keeps the defaults for invalid percent-encoding and control characters', () => {
    const { config, warnings } = decodeConfig('?lr=%FF&steps=%00&hide=%E0%A4,charts');
    expect([config.optim.lr, config.steps, config.ui.hide]).toEqual([2e-4, 60, []]);
    expect(warnings.map((w) => w.key)).toEqual(['lr', 'steps', 'hide']);
  });
});
