/**
 * Metric points, batched: a run logs one point per step, the UI and storage get them a few
 * batches a second (streamed deltas, never the whole history).
 */
import type { MetricPoint } from '../pipeline/views';

const FLUSH_MS = 250;

export class MetricBatch {
  private pending: MetricPoint[] = [];
  private lastFlush = 0;

  /** `sink` gets each non-empty batch (posts it, records it under the current run). */
  constructor(private readonly sink: (points: MetricPoint[]) => void) {}

  push(p: MetricPoint): void {
    this.pending.push(p);
  }

  /** Flushes if the last flush is older than FLUSH_MS. */
  flushIfDue(): void {
    if (performance.now() - this.lastFlush > FLUSH_MS) this.flush();
  }

  flush(): void {
    this.lastFlush = performance.now();
    if (this.pending.length === 0) return;
    const points = this.pending;
    this.pending = [];
    this.sink(points);
  }

  /** Drops unsent points logged after `step` (the run went back to a checkpoint there). */
  dropAfter(step: number): void {
    this.pending = this.pending.filter((p) => p.step <= step);
  }

  clear(): void {
    this.pending = [];
  }
}
