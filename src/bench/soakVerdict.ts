/**
 * The soak's pass/fail rule over its samples (one per logging interval). Pure.
 * - tensors flat: numTensors and numBytes exactly equal in every sample after the warm-up one;
 * - heap flat: median heapUsed over the last quarter of the steps within `heapTolerance`
 *   (relative) of the median over the second quarter (the first quarter is warm-up: JIT,
 *   caches, the first evaluation).
 */
import { median } from './stats';

export interface SoakSample {
  step: number;
  numTensors: number;
  numBytes: number;
  heapUsed: number;
}

export type SoakVerdict = {
  pass: boolean;
  tensorsFlat: boolean;
  heapFlat: boolean;
  /** Median heapUsed (bytes) over the second and the last quarter of the steps. */
  heapSecondQuarter: number;
  heapLastQuarter: number;
  /** (last − second) / second. */
  heapChange: number;
  line: string;
};

export function soakVerdict(
  samples: readonly SoakSample[],
  totalSteps: number,
  heapTolerance = 0.1,
): SoakVerdict {
  const first = samples[0];
  if (!first || samples.length < 4) throw new Error('the soak needs at least 4 samples');
  const tensorsFlat = samples.every(
    (s) => s.numTensors === first.numTensors && s.numBytes === first.numBytes,
  );
  const inQuarter = (k: number) =>
    samples
      .filter((s) => s.step > (k * totalSteps) / 4 && s.step <= ((k + 1) * totalSteps) / 4)
      .map((s) => s.heapUsed);
  const heapSecondQuarter = median(inQuarter(1));
  const heapLastQuarter = median(inQuarter(3));
  const heapChange = (heapLastQuarter - heapSecondQuarter) / heapSecondQuarter;
  const heapFlat = Math.abs(heapChange) <= heapTolerance;
  const pass = tensorsFlat && heapFlat;
  const last = samples[samples.length - 1] ?? first;
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const line =
    `${pass ? 'PASS' : 'FAIL'}: tensors ${tensorsFlat ? 'flat' : 'GREW'} ` +
    `(${first.numTensors} → ${last.numTensors}, ${first.numBytes} → ${last.numBytes} bytes); ` +
    `heap ${heapFlat ? 'flat' : 'NOT flat'} (median ${mb(heapSecondQuarter)} MB in the 2nd ` +
    `quarter, ${mb(heapLastQuarter)} MB in the last: ${(heapChange * 100).toFixed(1)}%, ` +
    `limit ±${(heapTolerance * 100).toFixed(0)}%)`;
  return { pass, tensorsFlat, heapFlat, heapSecondQuarter, heapLastQuarter, heapChange, line };
}
