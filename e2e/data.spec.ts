import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { AUTO_BACKEND, Playground, smallPreferenceFile } from './playground';

// Bring your own data, keep your runs, take the model elsewhere — on the automatic backend.
const DATA = resolve('../shared/data');
const FILES = [
  { file: 'dpo_en_demo.trl.jsonl', format: 'jsonl', layout: 'standard' },
  { file: 'dpo_en_demo.conversational.jsonl', format: 'jsonl', layout: 'conversational' },
  { file: 'dpo_en_demo.sharegpt.json', format: 'json', layout: 'sharegpt' },
];

test.describe('importing the real preference data', () => {
  // In CI (CI set) these must run: an absent folder fails them there instead of skipping.
  test.skip(!existsSync(DATA) && !process.env.CI, `the shared data folder ${DATA} is absent`);

  test('each layout imports with a truncation report; bad files leave the data in place', async ({
    page,
  }) => {
    const app = new Playground(page);
    await app.open();
    await app.waitForBackend();
    expect((await app.status())?.backend).toBe(AUTO_BACKEND);
    await page.waitForFunction(() => !!window.dpoPlayground?.checkpoint());

    for (const f of FILES) {
      await page.getByTestId('data-file').setInputFiles(resolve(DATA, f.file));
      await page.waitForFunction((name) => window.dpoPlayground?.dataset()?.name === name, f.file);
      const d = await page.evaluate(() => window.dpoPlayground?.dataset());
      expect(d?.format).toBe(f.format);
      expect(d?.layout).toBe(f.layout);
      expect(d?.skippedCount).toBe(0);
      expect(d?.truncation.total).toBe(300);
      expect((d?.pairs ?? 0) + (d?.heldOut ?? 0)).toBe(300 - (d?.truncation.dropped ?? 0));
      // Real conversations are long: almost none fits the nano model's 64 tokens.
      expect(d?.truncation.promptTruncated).toBeGreaterThan(250);
      await expect(page.getByTestId('truncation-report')).toContainText('fit in 64 tokens');
      await expect(page.getByTestId('dataset-pairs')).toContainText('to train on');
    }

    // A file with one bad row: imported, the row reported with its line and reason.
    const bad = `${smallPreferenceFile(3).toString('utf8')}{"prompt": "x", "chosen": 5, "rejected": "y"}\n`;
    await page.getByTestId('data-file').setInputFiles({
      name: 'one-bad-row.jsonl',
      mimeType: 'application/jsonl',
      buffer: Buffer.from(bad),
    });
    await page.waitForFunction(() => window.dpoPlayground?.dataset()?.name === 'one-bad-row.jsonl');
    await expect(page.getByTestId('dataset-skipped')).toHaveText('1');
    const skipped = await page.evaluate(() => window.dpoPlayground?.dataset()?.skipped);
    expect(skipped?.[0]).toMatch(/^line 4: .*chosen.*number/);

    // Invalid UTF-8: a clear error, and the dataset in use stays.
    await page.getByTestId('data-file').setInputFiles({
      name: 'broken.jsonl',
      mimeType: 'application/jsonl',
      buffer: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });
    await expect(page.getByTestId('error-banner')).toContainText('broken.jsonl');
    await expect(page.getByTestId('error-banner')).toContainText(/UTF-8/i);
    expect(await page.evaluate(() => window.dpoPlayground?.dataset()?.name)).toBe(
      'one-bad-row.jsonl',
    );
    expect(app.errors).toEqual([]);
  });
});

test('a run on an imported file survives a reload, resumes, and exports a GPT-2 that re-imports with the same log-probs', async ({
  page,
}, testInfo) => {
  test.setTimeout(10 * 60_000);
  const app = new Playground(page);
  // nano pinned: the export's config is checked against its shapes below. IPO at β 0.3: the
  // page it is resumed on asks for DPO at β 0.1, and the panels must show the run's own.
  await page.goto('/?steps=200&batch=4&evalPrompts=4&log=1&model=nano&loss=ipo&beta=0.3');
  await app.waitForBackend();
  await page.waitForFunction(() => !!window.dpoPlayground?.checkpoint());
  await page.getByTestId('data-file').setInputFiles({
    name: 'small.trl.jsonl',
    mimeType: 'application/jsonl',
    buffer: smallPreferenceFile(12),
  });
  await page.waitForFunction(() => window.dpoPlayground?.dataset()?.name === 'small.trl.jsonl');

  await page.getByTestId('run-start').click();
  // The Saved runs table follows the run: the checkpoint of step 20 shows while it trains.
  await page.waitForFunction(
    () => {
      const id = window.dpoPlayground?.status().runId;
      const row = document.querySelector(`[data-testid="run-row"][data-run-id="${id}"]`);
      const step = Number(row?.textContent?.match(/(\d+)\/200/)?.[1] ?? 0);
      return !!id && row?.getAttribute('data-status') === 'running' && step >= 20;
    },
    null,
    { timeout: 5 * 60_000, polling: 250 },
  );
  expect(await page.evaluate(() => window.dpoPlayground?.status().phase)).toBe('training');
  await page.getByTestId('run-pause').click();
  // Pausing saves a checkpoint of π_θ with the optimizer state.
  await page.waitForFunction(
    () => {
      const s = window.dpoPlayground?.status();
      const r = window.dpoPlayground?.runs().find((x) => x.id === s?.runId);
      return s?.phase === 'paused' && r?.status === 'paused' && r.lastCheckpointStep === s.step;
    },
    null,
    { timeout: 60_000, polling: 250 },
  );
  const before = await page.evaluate(() => ({
    step: window.dpoPlayground?.status().step ?? 0,
    runId: window.dpoPlayground?.status().runId,
    losses: window.dpoPlayground?.metrics().filter((p) => typeof p.loss === 'number').length,
  }));
  expect(before.step).toBeGreaterThanOrEqual(20);

  await page.goto('/?steps=200&batch=4&evalPrompts=4&log=1&model=nano');
  await app.waitForBackend();
  await page.waitForFunction(
    (id) => window.dpoPlayground?.runs().some((r) => r.id === id),
    before.runId,
  );
  await page.locator(`[data-run-id="${before.runId}"]`).getByTestId('run-resume').click();
  await page.waitForFunction(
    (step) => {
      const s = window.dpoPlayground?.status();
      return s?.phase === 'paused' && s.step === step;
    },
    before.step,
    { timeout: 3 * 60_000, polling: 250 },
  );
  const history = await page.evaluate(() => window.dpoPlayground?.metrics() ?? []);
  expect(history.filter((p) => typeof p.loss === 'number')).toHaveLength(before.losses ?? -1);
  // β and the objective shown are the resumed run's, not the link's.
  await expect(page.getByTestId('setting-beta')).toHaveValue('0.1');
  await expect(page.getByTestId('samples-panel')).toHaveAttribute('data-beta', '0.3');
  await expect(page.getByTestId('step-inspector')).toHaveAttribute('data-loss-type', 'ipo');

  // Two more single steps continue the same run from where it was saved.
  for (const step of [before.step + 1, before.step + 2]) {
    await page.getByTestId('run-step').click();
    await page.waitForFunction(
      (n) => {
        const s = window.dpoPlayground?.status();
        return s?.phase === 'paused' && s.step === n;
      },
      step,
      { timeout: 2 * 60_000, polling: 250 },
    );
  }
  const after = await page.evaluate(() => window.dpoPlayground?.metrics() ?? []);
  const steps = after.filter((p) => typeof p.loss === 'number').map((p) => p.step);
  expect(steps.at(-1)).toBe(before.step + 2);
  expect(new Set(steps).size).toBe(steps.length); // no step logged twice
  expect(await page.evaluate(() => window.dpoPlayground?.status().runId)).toBe(before.runId);

  // Export π_θ as a Hugging Face GPT-2 folder, then load it back as the SFT model.
  const text = ' The film was a delight from start to finish.';
  const policyLogprob = await page.evaluate(
    (t) => window.dpoPlayground?.logprob(t, 'policy'),
    text,
  );
  const download = page.waitForEvent('download');
  await page.getByTestId('export-hf').click();
  const zipPath = testInfo.outputPath('gpt2.zip');
  await (await download).saveAs(zipPath);
  const files = Object.entries(unzipSync(readFileSync(zipPath)));
  const names = files.map(([n]) => n.split('/').pop());
  expect(names).toEqual(
    expect.arrayContaining(['model.safetensors', 'config.json', 'vocab.json', 'merges.txt']),
  );
  const config = JSON.parse(
    Buffer.from(files.find(([n]) => n.endsWith('config.json'))?.[1] ?? []).toString(),
  );
  expect(config).toMatchObject({ model_type: 'gpt2', n_layer: 2, n_embd: 32, n_positions: 64 });
  await page.getByTestId('sft-panel').locator('summary').click();
  await page.getByTestId('model-files').setInputFiles(
    files.map(([name, bytes]) => ({
      name: name.split('/').pop() ?? name,
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(bytes),
    })),
  );
  await page.waitForFunction(() =>
    window.dpoPlayground?.checkpoint()?.url.includes('Hugging Face'),
  );
  const imported = await page.evaluate((t) => window.dpoPlayground?.logprob(t, 'sft'), text);
  expect(Number(imported)).toBeCloseTo(Number(policyLogprob), 4);
  expect(app.errors).toEqual([]);
});

test('the configuration round-trips through the URL; embed mode hides panels', async ({ page }) => {
  const app = new Playground(page);
  await page.goto('/?beta=0.5&steps=7&embed=1&hide=charts%2Cpairs&k=3');
  await app.waitForBackend();
  await expect(page.getByTestId('setting-beta')).toHaveValue('0.5');
  await expect(page.getByTestId('setting-k')).toHaveValue('3');
  await expect(page.getByTestId('training-charts')).toHaveCount(0);
  await expect(page.getByTestId('pairs-table')).toHaveCount(0);
  await expect(page.getByTestId('samples-panel')).toBeVisible();
  await page.getByTestId('setting-beta').fill('0.25');
  await expect(page).toHaveURL(/beta=0\.25/);
  await expect(page).toHaveURL(/steps=7/);
  // The controls show exactly the chosen objective's hyperparameters, and they reach the link.
  await expect(page.getByTestId('setting-smooth')).toHaveCount(0);
  await page.getByTestId('setting-loss').selectOption('cdpo');
  await page.getByTestId('setting-smooth').fill('0.2');
  await expect(page).toHaveURL(/loss=cdpo&beta=0\.25&smooth=0\.2/);
  await page.getByTestId('setting-smooth').fill('0.7'); // out of bounds: refused, marked
  await expect(page.getByTestId('setting-smooth')).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/smooth=0\.2/);
  await page.getByTestId('setting-algo').selectOption('preferred-ft');
  await expect(page.getByTestId('setting-loss')).toHaveCount(0);
  await expect(page).toHaveURL(/algo=preferred-ft/);
  // A bad value falls back to its default with a visible note.
  await page.goto('/?beta=-1');
  await expect(page.getByTestId('warning-banner')).toContainText('beta');
  await expect(page.getByTestId('setting-beta')).toHaveValue('0.1');
  expect(app.errors).toEqual([]);
});
