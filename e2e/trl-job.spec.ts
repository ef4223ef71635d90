import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { Playground } from './playground';

// The frontier panel and Hugging Face TRL (issue 26): Export as TRL job writes the configured
// sweep as the job folder `npm run frontier -- --export-trl` writes, zipped; Open a frontier
// draws a job's results (a real one: python/test_trl_job.py's sweep) beside the page's runs.
const RESULTS = resolve('e2e/fixtures/trl-job-results');

test('exports the sweep as a TRL job and opens a job’s results in the chart', async ({
  page,
}, testInfo) => {
  const app = new Playground(page);
  await app.open();
  await app.waitForBackend();
  await page.waitForFunction(() => !!window.dpoPlayground?.checkpoint());

  for (const id of ['preferred-ft', 'unlikelihood', 'best-of-n', 'ppo', 'ppo-gt']) {
    await page.getByTestId(`sweep-${id}`).uncheck();
  }
  await page.getByTestId('sweep-betas').fill('0.1, 0.5');
  const download = page.waitForEvent('download');
  await page.getByTestId('sweep-export-trl').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^sweep-\d{6}-trl-job\.zip$/);
  const zipPath = testInfo.outputPath('trl-job.zip');
  await file.saveAs(zipPath);
  const entries = unzipSync(readFileSync(zipPath));
  const folder = file.suggestedFilename().replace(/\.zip$/, '');
  const names = Object.keys(entries);
  expect(names).toEqual(
    expect.arrayContaining(
      [
        'job.py',
        'sampling.py',
        'trainers.py',
        'reward.py',
        'README.md',
        'requirements.txt',
        'sweep.json',
        'frontier-config.json',
        'prompts.json',
        'lexicon.json',
        'reward_check.json',
        'model/config.json',
        'model/model.safetensors',
      ].map((n) => `${folder}/${n}`),
    ),
  );
  const read = (n: string) => new TextDecoder().decode(entries[`${folder}/${n}`]);
  const spec = JSON.parse(read('sweep.json'));
  expect(spec.format).toBe('dpo-playground-trl-job');
  expect(spec.config).toBe('frontier-config.json');
  expect(spec.runs.map((r: { id: string }) => r.id)).toEqual(['sft', 'dpo-beta0.1', 'dpo-beta0.5']);
  // π_ref is the page's shipped SFT model, as the Node runner names it.
  const shipped = await page.evaluate(() => window.dpoPlayground?.checkpoint()?.url ?? '');
  const config = JSON.parse(read('frontier-config.json'));
  expect(config.checkpoint).toBe(`public/checkpoints/${shipped.split('/').pop()}`);
  expect(JSON.parse(read('model/config.json'))).toMatchObject({ model_type: 'gpt2' });
  expect(read('README.md')).toContain('| `dpo-beta0.5` | DPO β=0.5 | DPOTrainer');
  await expect(page.getByTestId('sweep-export-trl')).toHaveText('Export as TRL job');

  // Open a frontier: the job's points.json and summary.json, picked together.
  const chart = page.getByTestId('frontier-chart');
  await page
    .getByTestId('frontier-open')
    .setInputFiles([resolve(RESULTS, 'points.json'), resolve(RESULTS, 'summary.json')]);
  await expect(chart).toHaveAttribute('data-imported', '1');
  await expect(chart).toHaveAttribute('data-series', '2');
  // The legend names each curve with its source (recharts orders the entries its own way).
  const legend = chart.locator('.recharts-legend-item-text');
  const inLegend = async () => (await legend.allTextContents()).sort();
  await expect.poll(inLegend).toEqual(['DPO β=0.1 (TRL job)', 'SFT (TRL job)']);
  await expect(chart.locator('.recharts-scatter-symbol')).toHaveCount(5);
  await expect(page.getByTestId('frontier-imported-item')).toContainText('trl-job-smoke (TRL job)');

  // A wrong file is refused with its reason; what is drawn stays.
  await page.getByTestId('frontier-open').setInputFiles({
    name: 'trainer_state.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"log_history": []}'),
  });
  await expect(page.getByTestId('frontier-open-error')).toContainText(
    'trainer_state.json: neither a points.json nor a summary.json',
  );
  expect(await inLegend()).toEqual(['DPO β=0.1 (TRL job)', 'SFT (TRL job)']);
  await page
    .getByTestId('frontier-panel')
    .screenshot({ path: testInfo.outputPath('frontier-opened.png') });

  await page.getByTestId('frontier-imported-item').getByRole('button', { name: 'Remove' }).click();
  await expect(chart).toHaveAttribute('data-series', '0');
  await expect(page.getByTestId('frontier-imported-item')).toHaveCount(0);
  expect(app.errors).toEqual([]);
});
