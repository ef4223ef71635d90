/**
 * The Saved runs table's source: the runs in storage, sent to the UI whenever they change
 * (created, checkpointed, paused, finished, rolled back, renamed, pruned, deleted).
 */
import type { RunRecorder } from './persistence';
import type { PostEvent } from './protocol';

export class RunList {
  constructor(
    private readonly post: PostEvent,
    private readonly recorder: RunRecorder | null,
  ) {}

  /** Sends the current list (after the queued writes land). */
  async refresh(): Promise<void> {
    if (!this.recorder) return;
    const { runs, storage } = await this.recorder.list();
    this.post({ type: 'runs', runs, storage });
  }

  /** Sends the stored metric points of the runs `ids`, for the charts' overlay. */
  async metrics(ids: readonly string[]): Promise<void> {
    const runs = this.recorder ? await this.recorder.histories(ids) : [];
    this.post({ type: 'run-metrics', runs });
  }

  async rename(id: string, name: string): Promise<void> {
    await this.recorder?.rename(id, name);
    await this.refresh();
  }

  async prune(id: string): Promise<void> {
    await this.recorder?.prune(id);
    await this.refresh();
  }

  /** Deletes a stored run; the caller drops it first if it is the current one. */
  async remove(id: string): Promise<void> {
    await this.recorder?.remove(id);
    await this.refresh();
  }
}
