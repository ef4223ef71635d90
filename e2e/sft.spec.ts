import { expect, test } from '@playwright/test';
import { AUTO_BACKEND, Playground } from './playground';

// Stage 1 in the browser: a tokenizer and a nano GPT trained from scratch on the automatic
// backend, which then replaces the shipped checkpoint as π_ref.
test.setTimeout(6 * 60_000);

test('SFT in the browser trains a new π_ref with a progress bar and a falling loss', async ({
  page,
}) => {
  const app = new Playground(page);
  await app.open();
  await app.waitForBackend();
  expect((await app.status())?.backend).toBe(AUTO_BACKEND);
  await page.waitForFunction(() => window.dpoPlayground?.checkpoint()?.url.endsWith('.json'));

  await page.getByTestId('sft-panel').locator('summary').click();
  await page.getByTestId('setting-sftSteps').fill('10');
  await page.getByTestId('setting-sftBatch').fill('2');
  await page.getByTestId('setting-sftVocab').fill('320');
  await page.getByTestId('sft-start').click();
  await expect(page.getByTestId('sft-progress')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('run-start')).toBeDisabled();
  await page.waitForFunction(
    () => window.dpoPlayground?.checkpoint()?.url === 'browser-sft',
    null,
    {
      timeout: 5 * 60_000,
      polling: 500,
    },
  );

  const ckpt = await page.evaluate(() => window.dpoPlayground?.checkpoint());
  expect(ckpt?.vocabSize).toBe(320);
  expect(ckpt?.preset).toBe('nano');
  await expect(page.getByTestId('checkpoint-info')).toContainText('trained on this page');
  const points = (await page.evaluate(() => window.dpoPlayground?.sftMetrics())) ?? [];
  expect(points.map((p) => p.step)).toEqual([1, 5, 10]);
  const first = Number(points[0]?.loss);
  const last = Number(points.at(-1)?.loss);
  // From about ln 320 ≈ 5.8 (uniform) clearly downwards.
  expect(first).toBeGreaterThan(5);
  expect(last).toBeLessThan(first - 0.5);
  await expect(page.getByTestId('chart-sft-loss')).toBeVisible();
  await expect(page.getByTestId('run-start')).toBeEnabled();
  expect(app.errors).toEqual([]);
});
