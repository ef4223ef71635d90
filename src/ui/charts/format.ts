/** Short numbers for chart axes and tooltips: 1.2K, 0.693, 0.0012, 1.5e-5. */
export function formatCompact(v: unknown): string {
  if (typeof v !== 'number') return String(v ?? '');
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4) {
    return new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(v);
  }
  if (a >= 100) return String(Math.round(v));
  if (a >= 1e-3) return String(Number(v.toPrecision(3)));
  return v.toExponential(1).replace('e-', 'e−');
}

/** A step count: 1,234. */
export function formatStep(v: unknown): string {
  return typeof v === 'number' ? v.toLocaleString('en') : String(v ?? '');
}

/**
 * Round axis ticks covering [min, max]: a step of 1, 2 or 5 × 10^k near (max − min)/count, as
 * d3's tickIncrement picks it (recharts' own 'auto' ticks come out as 1.35, 2.7, …).
 * Empty for non-finite input.
 */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) return [];
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const err = raw / mag;
  const step =
    (err >= Math.sqrt(50) ? 10 : err >= Math.sqrt(10) ? 5 : err >= Math.SQRT2 ? 2 : 1) * mag;
  const lo = Math.floor(min / step + 1e-9);
  const hi = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  // Multiply rather than accumulate, and round off binary noise (0.30000000000000004).
  for (let i = lo; i <= hi; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}
