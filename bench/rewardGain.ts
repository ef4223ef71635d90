/**
 * The demo's time to a reward gain, per backend: the real app (built and served by
 * bench/chromium.ts) opened with `?backend=…`, ▶ Train pressed, and the clock read at the first
 * evaluation where eval/reward − eval/ref_reward ≥ the gain, counted from page load.
 */
import type { Browser } from '@playwright/test';
import { fmt } from '../src/bench/table';

export interface RewardGainResult {
  backend: string;
  /** The backend the app reported (a forced one that fails falls back). */
  ranOn: string | null;
  threads: number | null;
  target: number;
  /** Seconds from page load to the first evaluation reaching the target; null: not reached. */
  seconds: number | null;
  /** The largest gain seen, at which step and second. */
  best: { gain: number; step: number; seconds: number } | null;
  stepsTrained: number;
  /** Why it was not reached: the run ended, the budget ran out, or an error. */
  note: string | null;
}

/** Trains the default demo on `backend` until the gain is reached, the run ends or budgetS. */
export async function timeToRewardGain(
  browser: Browser,
  appUrl: string,
  backend: string,
  target: number,
  budgetS: number,
): Promise<RewardGainResult> {
  const page = await browser.newPage();
  const out: RewardGainResult = {
    backend,
    ranOn: null,
    threads: null,
    target,
    seconds: null,
    best: null,
    stepsTrained: 0,
    note: null,
  };
  const t0 = Date.now();
  const elapsed = () => (Date.now() - t0) / 1000;
  try {
    await page.goto(`${appUrl}?backend=${backend}`);
    await page.waitForFunction(() => !!window.dpoPlayground?.checkpoint(), null, {
      timeout: 120_000,
    });
    const engine = await page.evaluate(() => window.dpoPlayground?.status().engine ?? null);
    out.ranOn = engine?.backend ?? null;
    out.threads = engine?.threads ?? null;
    await page.getByTestId('run-start').click();
    for (;;) {
      const s = await page.evaluate(() => ({
        phase: window.dpoPlayground?.status().phase ?? 'unknown',
        step: window.dpoPlayground?.status().step ?? 0,
        gains: (window.dpoPlayground?.metrics() ?? [])
          .filter((p) => typeof p['eval/reward'] === 'number')
          .map((p) => ({
            step: p.step,
            gain: Number(p['eval/reward']) - Number(p['eval/ref_reward']),
          })),
      }));
      out.stepsTrained = s.step;
      for (const g of s.gains) {
        if (!out.best || g.gain > out.best.gain) out.best = { ...g, seconds: elapsed() };
      }
      if (out.best && out.best.gain >= target) {
        // Polled once a second: the evaluation landed at most a second before this.
        out.seconds = out.best.seconds;
        return out;
      }
      if (s.phase === 'done' || s.phase === 'error') {
        out.note = `the run ended (${s.phase}) at step ${s.step} after ${fmt(elapsed())} s`;
        return out;
      }
      // A failed request (the run stops without reaching 'done') shows the error banner.
      const banner = page.getByTestId('error-banner');
      if (await banner.isVisible()) {
        const text = (await banner.locator('span').first().textContent()) ?? '';
        out.note = `error at step ${s.step}: ${text}`;
        return out;
      }
      if (elapsed() > budgetS) {
        out.note = `not reached in ${budgetS} s (step ${s.step})`;
        return out;
      }
      await page.waitForTimeout(1000);
    }
  } catch (e) {
    out.note = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
    return out;
  } finally {
    await page.close();
  }
}

/** The results as a Markdown table. */
export function rewardGainMarkdown(rows: readonly RewardGainResult[]): string {
  if (!rows.length) return '';
  const target = rows[0]?.target ?? 0;
  const lines = [
    `### The default demo: seconds from page load to a ground-truth reward gain of ${target}`,
    '',
    'eval/reward − eval/ref_reward ≥ the gain at an evaluation (every 20 steps), the app opened ' +
      'with `?backend=` and ▶ Train pressed at once; the time includes sampling the pairs and ' +
      'caching π_ref.',
    '',
    '| backend | ran on | threads | seconds to the gain | best gain (step, s) | steps trained |',
    '|---|---|---:|---:|---|---:|',
  ];
  for (const r of rows) {
    const best = r.best
      ? `${r.best.gain.toFixed(3)} (step ${r.best.step}, ${fmt(r.best.seconds)} s)`
      : '–';
    const when = r.seconds !== null ? fmt(r.seconds) : (r.note ?? 'not reached');
    lines.push(
      `| ${r.backend} | ${r.ranOn ?? '–'} | ${r.threads ?? '–'} | ${when} | ${best} | ${r.stepsTrained} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
