import { readFile } from 'node:fs/promises';
import { expect, type Page, test } from '@playwright/test';
import { applyRule } from '../src/task/labelRules';
import { Playground } from './playground';

// "You are the reward model": a scripted labeller with a taste about content (it prefers the
// completion where the reviewer speaks for themself: more of "I", "my", "me", …; equal counts
// are a tie) labels pairs through the keyboard, DPO learns through the word reward fitted to
// its labels, and the implicit reward comes to agree with it on the fixed test round while
// π_θ's samples say more of its words.
test.setTimeout(8 * 60_000);

const TASTE = 'personal';
/** Decided labels to give before training (≤ 48: every 4th held out, data/labels.ts). */
const DECIDED = 48;
/** Decided pairs of the "test me" round (LabellingPanel's TEST_ROUND); its ties are shown more. */
const TEST_PAIRS = 32;
/**
 * In Node (scripts/labelling-tastes.ts, micro, WASM, 3 seeds; results/labelling-tastes.json)
 * this taste reached ≈ 0.9 agreement. The bound leaves room for one seed's 32 pairs.
 */
const MIN_AGREEMENT = 0.65;

/** Reads the card, applies the rule and presses its key; waits until the label is counted. */
async function labelOne(page: Page, done: number): Promise<string> {
  const card = page.getByTestId('label-card');
  await expect(card).toHaveAttribute('data-ready', 'true');
  const a = (await page.getByTestId('label-a').locator('strong').textContent()) ?? '';
  const b = (await page.getByTestId('label-b').locator('strong').textContent()) ?? '';
  const choice = applyRule(TASTE, a, b);
  await page.keyboard.press(choice === 'a' ? '1' : choice === 'b' ? '2' : '0');
  await expect(page.getByTestId('label-count')).toHaveAttribute('data-count', String(done + 1));
  return choice;
}

test('a scripted labeller teaches DPO its taste through the keyboard', async ({ page }) => {
  const app = new Playground(page);
  const t0 = Date.now();
  // The settings the Node measurements used: lr 5e-4, 120 steps (share-link keys).
  await app.open('model=micro&lr=0.0005&steps=120');
  await app.waitForBackend();
  await page.waitForFunction(() => !!window.dpoPlayground?.checkpoint(), null, {
    timeout: 120_000,
  });
  await page.getByTestId('label-start').click();
  const choices: string[] = [];
  while (choices.filter((c) => c !== 'tie').length < DECIDED)
    choices.push(await labelOne(page, choices.length));
  const LABELS = choices.length;
  const secondsLabelling = (Date.now() - t0) / 1000;
  expect(await page.getByTestId('labels-table').getAttribute('data-count')).toBe(String(LABELS));

  // t: train on the labels (the keyboard shortcut), one offline round, through the word reward.
  await page.locator('body').press('t');
  await expect(page.getByTestId('pairs-table')).toContainText('you', { timeout: 120_000 });
  await expect
    .poll(async () => (await app.status())?.phase, { timeout: 4 * 60_000, intervals: [1000] })
    .toBe('done');
  const secondsTrained = (Date.now() - t0) / 1000;

  await page.getByTestId('label-test').click();
  let testTies = 0;
  for (let i = 0; i < TEST_PAIRS + testTies; i++) {
    if ((await labelOne(page, LABELS + i)) === 'tie') testTies++;
  }
  const value = page.getByTestId('agreement-value');
  await expect(page.getByTestId('agreement')).toContainText(`on ${TEST_PAIRS} test pairs`, {
    timeout: 60_000,
  });
  const agreement = Number(await value.getAttribute('data-value'));
  const secondsToAgreement = (Date.now() - t0) / 1000;

  await page.getByTestId('what-changed-run').click();
  const chars = page.getByTestId('what-changed').locator('[data-stat="meanChars"]');
  await expect(chars).toBeVisible({ timeout: 60_000 });
  const words = page.getByTestId('what-changed').locator('[data-stat="tasteWords"]');
  const refWords = Number(await words.getAttribute('data-ref'));
  const policyWords = Number(await words.getAttribute('data-policy'));
  const refChars = Number(await chars.getAttribute('data-ref'));
  const policyChars = Number(await chars.getAttribute('data-policy'));
  const tokens = page.getByTestId('what-changed').locator('[data-stat="meanTokens"]');
  const refTokens = Number(await tokens.getAttribute('data-ref'));
  const policyTokens = Number(await tokens.getAttribute('data-policy'));
  const series = JSON.parse(
    (await page.getByTestId('agreement').getAttribute('data-series')) ?? '[]',
  ) as { step: number; heldOut: number | null; test?: number }[];
  console.log(
    JSON.stringify({
      labels: LABELS,
      ties: choices.filter((c) => c === 'tie').length,
      testTies,
      wordRewardPairs: await page.getByTestId('word-reward').getAttribute('data-pairs'),
      refWords,
      policyWords,
      agreementSeries: series,
      testAgreement: agreement,
      refChars,
      policyChars,
      refTokens,
      policyTokens,
      secondsLabelling,
      secondsTrained,
      secondsToAgreement,
    }),
  );
  // Before training π_θ = π_ref: the first point is a coin.
  expect(series[0]?.heldOut).toBe(0.5);
  expect(agreement).toBeGreaterThan(MIN_AGREEMENT);
  // What changed shows the taste's direction: more of the labeller's words in π_θ's samples.
  expect(policyWords).toBeGreaterThan(refWords);
  // Teacher tools: the decided labels export as TRL JSONL and come back through the file import.
  await page.getByText(/Your labels \(\d+\) and teacher tools/).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('labels-export').click(),
  ]);
  const rows = (await readFile((await download.path()) ?? '', 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { prompt: string; chosen: string; rejected: string });
  const decided = choices.filter((c) => c !== 'tie').length + TEST_PAIRS;
  expect(download.suggestedFilename()).toBe('labels.trl.jsonl');
  expect(rows).toHaveLength(decided);
  expect(rows.every((r) => r.prompt && r.chosen !== r.rejected)).toBe(true);
  await page.getByTestId('labels-import').setInputFiles({
    name: 'pooled.jsonl',
    mimeType: 'application/jsonl',
    buffer: Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n')),
  });
  // A pooled file imports as labels: each row is added or found already here.
  const imported = page.getByTestId('labels-imported');
  await expect(imported).toContainText(`pooled.jsonl:`);
  const m = /(\d+) labels added from (\d+) rows .* (\d+) already here/.exec(
    (await imported.textContent()) ?? '',
  );
  expect(Number(m?.[2])).toBe(rows.length);
  expect(Number(m?.[1]) + Number(m?.[3])).toBe(rows.length);
  await page.getByText(/Your labels \(\d+\) and teacher tools/).click(); // closed again
  await page.mouse.move(0, 0); // no chart tooltip in the docs' picture
  await page
    .getByTestId('labelling-panel')
    .screenshot({ path: 'docs/labelling.png', animations: 'disabled' });
  expect(app.errors).toEqual([]);
});

test('the page fits phone and tablet widths and has a main landmark with labelled regions', async ({
  page,
}) => {
  const app = new Playground(page);
  for (const width of [390, 768]) {
    await page.setViewportSize({ width, height: 900 });
    await app.open('model=nano');
    await app.waitForBackend();
    // With the labelling card open: its two completions are the widest new content.
    await page.getByTestId('label-start').click();
    await expect(page.getByTestId('label-card')).toHaveAttribute('data-ready', 'true');
    const m = await page.evaluate(() => {
      const badge = document
        .querySelector('[data-testid="backend-badge"]')
        ?.getBoundingClientRect();
      return {
        scroll: document.documentElement.scrollWidth,
        inner: window.innerWidth,
        badgeRight: badge?.right ?? Number.NaN,
      };
    });
    expect(m.scroll, `page width at ${width} px`).toBeLessThanOrEqual(m.inner);
    expect(m.badgeRight, `badge at ${width} px`).toBeLessThanOrEqual(m.inner);
  }
  await expect(page.getByRole('main')).toHaveCount(1);
  const regions = await page.evaluate(() =>
    [...document.querySelectorAll('main section')].map((s) => {
      const id = s.getAttribute('aria-labelledby');
      const name = id ? document.getElementById(id)?.textContent : s.getAttribute('aria-label');
      return { id, named: !!name?.trim() };
    }),
  );
  expect(regions.length).toBeGreaterThan(4);
  expect(regions.filter((r) => !r.named)).toEqual([]);
});
