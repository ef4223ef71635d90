/**
 * Frontier sweeps in the worker: the runs of a sweep one after another from the current SFT
 * model, each reporting (KL, reward) points as it trains (paper Fig. 2, left).
 */

import { runSweep } from '../pipeline/frontier/sweep';
import { parseSweepConfig, type SweepInput } from '../pipeline/frontier/sweepConfig';
import { builtinFrontierTask } from '../pipeline/frontier/task';
import type { PostEvent } from './protocol';
import type { SftModel } from './sftModel';
import { trlJobZip } from './trlJobExport';

export class SweepController {
  private running = false;
  private stopRequested = false;

  constructor(
    private readonly post: PostEvent,
    private readonly session: { sft(): SftModel | null; busy(): boolean },
  ) {}

  get active(): boolean {
    return this.running;
  }

  async start(input: SweepInput): Promise<void> {
    if (this.running) throw new Error('a sweep is already running');
    if (this.session.busy()) throw new Error('pause or reset the current run before a sweep');
    const sft = this.session.sft();
    if (!sft) throw new Error('load a checkpoint first');
    const sweep = parseSweepConfig(input);
    const task = builtinFrontierTask(sft.tokenizer, sweep);
    this.running = true;
    this.stopRequested = false;
    this.post({ type: 'sweep-state', state: 'running', name: sweep.name });
    try {
      let stopped = false;
      // One replicate per seed: a run's later seeds add points to its row (the panel draws
      // mean ± s.e. bands), and the bar runs over seeds × runs.
      for (const [k, seed] of sweep.seeds.entries()) {
        this.post({ type: 'sweep-seed', seed, index: k, count: sweep.seeds.length });
        const r = await runSweep(
          sweep,
          sft.model,
          task,
          {
            onProgress: (stage, done, total, runId) =>
              this.post({ type: 'sweep-progress', stage, done, total, runId: runId ?? null }),
            onRunStart: (run, index, count) =>
              this.post({
                type: 'sweep-run-start',
                runId: run.id,
                label: run.label,
                algorithm: run.algorithm,
                index,
                count,
              }),
            onPoint: (point) => this.post({ type: 'frontier-point', point }),
            onRunEnd: (summary) =>
              this.post({ type: 'sweep-run-end', summary: { ...summary, config: null } }),
            shouldStop: () => this.stopRequested,
          },
          seed,
        );
        stopped = r.stopped;
        if (stopped) break;
      }
      this.post({ type: 'sweep-state', state: stopped ? 'stopped' : 'done', name: sweep.name });
    } catch (e) {
      this.post({ type: 'sweep-state', state: 'failed', name: sweep.name });
      throw e;
    } finally {
      this.running = false;
    }
  }

  /** The sweep as a TRL job folder (.zip) from the current SFT model: an 'export-file'. */
  async exportTrlJob(input: SweepInput): Promise<void> {
    const sft = this.session.sft();
    if (!sft) throw new Error('load a checkpoint first');
    const f = await trlJobZip(input, sft);
    this.post({ type: 'export-file', ...f }, [f.bytes]);
  }

  stop(): void {
    this.stopRequested = true;
  }
}
