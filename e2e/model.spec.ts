import { expect, test } from '@playwright/test';
import { Playground } from './playground';

// Stage 1's default model: a speed probe at load picks the largest shipped checkpoint whose
// demo fits 3 minutes on this machine; the choice is shown and can be overridden.
test.setTimeout(4 * 60_000);

const checkpointUrl = (page: import('@playwright/test').Page) =>
  page.evaluate(() => window.dpoPlayground?.checkpoint()?.url ?? '');

test('the probe’s choice is shown, and picking the other model loads it', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  const choice = page.getByTestId('model-choice');
  await expect(choice).not.toHaveAttribute('data-model', '', { timeout: 120_000 });
  const chosen = (await choice.getAttribute('data-model')) ?? '';
  expect(['nano', 'micro']).toContain(chosen);
  await page.waitForFunction(
    (file) => window.dpoPlayground?.checkpoint()?.url.endsWith(file),
    `/sft-${chosen}.json`,
  );
  await page.getByTestId('sft-panel').locator('summary').click();
  const reason = page.getByTestId('model-reason');
  await expect(reason).toContainText(`${chosen}, chosen for this machine`);
  // The measured step times are stated (at least the smallest model's).
  await expect(reason).toContainText(/a training step on \w+: nano \d+ ms/);
  await expect(page.getByTestId('checkpoint-info')).toContainText(`shipped checkpoint, ${chosen}`);

  const other = chosen === 'nano' ? 'micro' : 'nano';
  await page.getByTestId('model-select').selectOption(other);
  await page.waitForFunction(
    (file) => window.dpoPlayground?.checkpoint()?.url.endsWith(file),
    `/sft-${other}.json`,
  );
  await expect(reason).toContainText(`${other}, your choice`);
  const ckpt = await page.evaluate(() => window.dpoPlayground?.checkpoint());
  expect(ckpt?.preset).toBe(other);
  expect(ckpt?.vocabSize).toBe(other === 'micro' ? 1024 : 512);
  expect(app.errors).toEqual([]);
});

test('model= in the link loads that checkpoint without a probe', async ({ page }) => {
  const app = new Playground(page);
  await app.open('model=micro');
  await page.waitForFunction(() =>
    window.dpoPlayground?.checkpoint()?.url.endsWith('/sft-micro.json'),
  );
  expect(await checkpointUrl(page)).toMatch(/\/checkpoints\/sft-micro\.json$/);
  await expect(page.getByTestId('model-choice')).toHaveAttribute('data-model', 'micro');
  await page.getByTestId('sft-panel').locator('summary').click();
  await expect(page.getByTestId('model-reason')).toContainText('micro, from the link');
  // The PyTorch-trained checkpoint carries its measured fluency.
  await expect(page.getByTestId('checkpoint-info')).toContainText(
    /micro, 219,712 parameters.*fluency 0\.9\d/,
  );
  expect(app.errors).toEqual([]);
});
