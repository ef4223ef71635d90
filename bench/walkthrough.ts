/**
 * The guided experiments as a learner meets them (issue 24): the built app opened from an
 * experiment's link (`?experiment=ID&model=micro`, the backend the app picks), the expected
 * prediction picked, ▶ Run pressed, and the seconds from page load to the reading on screen.
 */
import type { Browser } from '@playwright/test';

export interface WalkthroughResult {
  experiment: string;
  /** The backend the app ran on. */
  ranOn: string | null;
  /** Page load → the reading shown; null when it did not appear within the budget. */
  seconds: number | null;
  /** The verdict line the page showed (right or not). */
  verdict: string | null;
  note: string | null;
}

export async function walkthrough(
  browser: Browser,
  appUrl: string,
  experiment: string,
  expected: string,
  budgetS: number,
): Promise<WalkthroughResult> {
  const page = await browser.newPage();
  const out: WalkthroughResult = {
    experiment,
    ranOn: null,
    seconds: null,
    verdict: null,
    note: null,
  };
  const t0 = Date.now();
  try {
    await page.goto(`${appUrl}?experiment=${experiment}&model=micro`);
    await page.getByTestId(`predict-${expected}`).check({ timeout: 60_000 });
    await page.waitForFunction(() => !!window.dpoPlayground?.checkpoint(), null, {
      timeout: 120_000,
    });
    out.ranOn = await page.evaluate(() => window.dpoPlayground?.status().engine?.backend ?? null);
    const closedForm = experiment === 'closed-form';
    await page.getByTestId(closedForm ? 'closed-form-run' : 'experiment-run').click();
    const reading = page.getByTestId(closedForm ? 'closed-form-reading' : 'experiment-outcome');
    await reading.waitFor({ state: 'visible', timeout: budgetS * 1000 });
    out.seconds = (Date.now() - t0) / 1000;
    out.verdict = await page
      .getByTestId(closedForm ? 'closed-form-verdict' : 'experiment-verdict')
      .textContent();
  } catch (e) {
    out.note = e instanceof Error ? (e.message.split('\n')[0] ?? null) : String(e);
  } finally {
    await page.close();
  }
  return out;
}
