import { expect, test } from '@playwright/test';
import { Playground } from './playground';

// A trainer_state.json written by the interop test's real TRL 1.13 DPOTrainer run
// (python/interop_test.py; npm run fixtures:trainer-state): 2 train steps, 3 evaluations.
const FIXTURE = 'e2e/fixtures/trainer_state.json';

test('a real TRL run opens in the charts, with its reading', async ({ page }) => {
  const app = new Playground(page);
  await app.open('');
  const panel = page.getByTestId('trl-run-panel');
  await panel.getByTestId('trl-state-file').setInputFiles(FIXTURE);

  await expect(page.getByTestId('trl-run-summary')).toContainText(
    'trainer_state.json: 2 train rows and 3 eval rows, up to step 2.',
  );
  const reading = page.getByTestId('trl-run-reading');
  await expect(reading).toContainText('Accuracy reached 1 at step 1');
  await expect(reading).toContainText('Margins grew');

  const charts = page.getByTestId('trl-run-charts');
  for (const id of ['loss', 'rewards', 'margins', 'accuracies', 'logps', 'grad-norm']) {
    await expect(charts.getByTestId(`trl-chart-${id}`)).toBeVisible();
  }
  // TRL has no ground-truth reward or KL: those charts are not drawn for its run.
  await expect(charts.getByTestId('trl-chart-eval-kl')).toHaveCount(0);
  // Train (solid) and eval (dashed) margins: two lines, each through its logged points.
  const margins = charts.getByTestId('trl-chart-margins');
  await expect(margins.locator('.recharts-line')).toHaveCount(2);
  await expect(margins).toContainText('margin (eval)');
  await expect(margins.locator('.recharts-line-curve[stroke-dasharray]')).toHaveCount(1);
  // The same explanation as the app's own chart.
  await expect(charts.getByTestId('trl-chart-rewards')).toContainText(
    'rewards/chosen often falls while the margin grows',
  );

  await panel.getByTestId('trl-state-file').setInputFiles({
    name: 'not-a-state.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"global_step": 1}'),
  });
  await expect(page.getByTestId('trl-run-error')).toContainText(
    'not-a-state.json: not a trainer_state.json: log_history',
  );
  expect(app.errors).toEqual([]);
});
