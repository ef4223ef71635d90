/**
 * A lost GPU device takes every tensor with it: wait for the step in flight, start a backend,
 * rebuild π_ref and π_θ from the CPU copies (the SFT weights, the last good checkpoint, π_ref's
 * cached log-probs) and train on from that checkpoint. The rebuilding is recovery.ts's.
 */
import { NonFiniteError } from '../pipeline/dpoRun';
import type { RunRecorder } from './persistence';
import type { FaultReport, PostEvent } from './protocol';
import { type BackendControl, deviceLostMessage, rebuildOnNewBackend, waitFor } from './recovery';
import type { RunSession } from './runSession';
import type { Workspace } from './workspace';

/** How long a loss may be reported after the failed read it explains. */
const LOSS_EXPLAINS_MS = 5000;
/** The longest wait for the step in flight before rebuilding anyway. */
const STEP_WAIT_MS = 10_000;

export class DeviceRecovery {
  private lastLossAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly post: PostEvent,
    private readonly recorder: RunRecorder | null,
    private readonly backend: BackendControl | null,
    private readonly workspace: Workspace,
    private readonly session: RunSession,
  ) {}

  /**
   * True if a lost device explains an error: its recovery then reports it, not as a generic
   * failure. The loss may be reported a moment after the failed read, hence the wait.
   */
  async explains(e: unknown): Promise<boolean> {
    if (e instanceof NonFiniteError || !this.backend) return false;
    return waitFor(
      () =>
        this.session.state === 'recovering' ||
        performance.now() - this.lastLossAt < LOSS_EXPLAINS_MS,
      1500,
    );
  }

  async onDeviceLost(reason: string): Promise<void> {
    const backend = this.backend;
    const session = this.session;
    const wasTraining = session.state === 'training';
    const lostAt = session.policyRun?.step ?? 0;
    if (!backend || !session.go({ type: 'device-lost' })) return;
    this.lastLossAt = performance.now();
    const { run, good } = await session.detach(STEP_WAIT_MS);
    const sft = this.workspace.model;
    let fault: FaultReport;
    try {
      const r = await rebuildOnNewBackend({
        backend,
        recorder: this.recorder,
        sft: sft ? { model: sft, params: await this.workspace.cpuParams() } : null,
        run: run && good ? { run, good, callbacks: session.callbacks() } : null,
      });
      this.post({ type: 'backend', ...r.backend });
      this.workspace.replaceAfterRecovery(r.sft);
      await session.attach(r.run);
      const restoredStep = r.run ? r.run.step : null;
      const resumed = wasTraining && !!r.run;
      fault = {
        kind: 'device-lost',
        step: lostAt,
        restoredStep,
        message: deviceLostMessage({
          lostAt,
          reason,
          backend: r.backend.backend,
          restoredStep,
          resumed,
        }),
      };
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      await session.attach(null);
      fault = {
        kind: 'device-lost',
        step: lostAt,
        restoredStep: null,
        message: `The GPU device was lost at step ${lostAt} (${reason}) and could not be replaced (${why}). Reload the page: the run resumes from its last checkpoint.`,
      };
    }
    backend.watch((r) => void this.onDeviceLost(r));
    this.post({ type: 'fault', fault });
    const rebuilt = session.policyRun;
    session.go({ type: 'recovered', run: !rebuilt ? 'none' : rebuilt.done ? 'done' : 'paused' });
    if (wasTraining && rebuilt) session.start();
  }
}
