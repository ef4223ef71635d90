import type { FaultReport } from '../worker/protocol';

const TITLE: Record<FaultReport['kind'], string> = {
  'non-finite': 'Training diverged (NaN / ∞)',
  'device-lost': 'GPU device lost',
  'worker-stopped': 'Training worker stopped',
};

interface Props {
  fault: FaultReport;
  /** Set while the worker is silent: offers a new worker that resumes the saved run. */
  onRestart: (() => void) | null;
  onDismiss: () => void;
}

/** The one banner for a fault: what happened, at which step, what was restored, what to do. */
export function FaultBanner({ fault, onRestart, onDismiss }: Props) {
  return (
    <div
      className={`fault-banner fault-${fault.kind}`}
      role="alert"
      data-testid="fault-banner"
      data-kind={fault.kind}
    >
      <div>
        <strong>{TITLE[fault.kind]}</strong>
        <p data-testid="fault-message">{fault.message}</p>
      </div>
      <div className="fault-actions">
        {onRestart && (
          <button type="button" data-testid="fault-restart" onClick={onRestart}>
            {fault.restoredStep === null
              ? 'Restart the worker'
              : `Restart from step ${fault.restoredStep}`}
          </button>
        )}
        <button type="button" className="secondary" data-testid="fault-dismiss" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
