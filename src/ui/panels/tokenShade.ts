/** Per-token implicit rewards β·(log π_θ − log π_ref) and their diverging colour scale. */

/** β·(log π_θ(y_t) − log π_ref(y_t)) per token; NaN where either log-prob is missing. */
export function tokenRewards(policyLogps: number[], refLogps: number[], beta: number): number[] {
  return policyLogps.map((lp, t) => beta * (lp - (refLogps[t] ?? Number.NaN)));
}

/**
 * The magnitude that maps to full colour: the 95th percentile of |r| over all tokens shown
 * (so one outlier does not wash out the rest), and at least `floor`.
 */
export function shadeScale(rewards: number[], floor = 1e-4): number {
  const mags = rewards
    .filter(Number.isFinite)
    .map(Math.abs)
    .sort((a, b) => a - b);
  if (mags.length === 0) return floor;
  const q = mags[Math.min(mags.length - 1, Math.floor(0.95 * mags.length))] ?? floor;
  return Math.max(q, floor);
}

/** Share of full colour, in [0, MAX_SHADE], proportional to |r| and clipped at the scale. */
export const MAX_SHADE = 0.8;
export function shadeAmount(r: number, scale: number): number {
  if (!Number.isFinite(r) || scale <= 0) return 0;
  return Math.min(Math.abs(r) / scale, 1) * MAX_SHADE;
}

/** CSS background for a token: green where π_θ raised it above π_ref, red where it lowered it. */
export function shadeColor(r: number, scale: number): string {
  const pct = Math.round(shadeAmount(r, scale) * 100);
  if (pct === 0) return 'transparent';
  return `color-mix(in srgb, var(${r > 0 ? '--good' : '--bad'}) ${pct}%, transparent)`;
}

/** Signed number with 3 significant digits: +0.0123, −1.5. */
export function signed(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const s = Math.abs(v) >= 1e-3 || v === 0 ? Number(v.toPrecision(3)) : v.toExponential(1);
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${String(s).replace('-', '')}`;
}
