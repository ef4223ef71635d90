import './panels.css';

/** A ground-truth reward r* ∈ [0, 1] as a small bar and its value. */
export function RewardBar({ value, label }: { value: number; label?: string }) {
  const ok = Number.isFinite(value);
  const pct = ok ? Math.round(Math.min(Math.max(value, 0), 1) * 100) : 0;
  return (
    <span className="reward" title={`${label ?? 'r*'} = ${ok ? value.toFixed(3) : 'n/a'}`}>
      <span className="reward-track" aria-hidden="true">
        <span className="reward-fill" style={{ width: `${pct}%` }} />
      </span>
      <span className="reward-value">{ok ? value.toFixed(2) : '—'}</span>
    </span>
  );
}
