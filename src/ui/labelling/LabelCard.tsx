import type { LabelChoice, LabelCounts } from '../../data/labels';

/** A pair on the card: the prompt and two completions to compare. */
export interface LabelCandidateView {
  prompt: string;
  a: string;
  b: string;
  sampledFrom: 'ref' | 'policy';
  test: boolean;
}

export interface LabelCardProps {
  candidate: LabelCandidateView | null;
  counts: LabelCounts;
  /** Waiting for the worker to sample the next pair. */
  loading: boolean;
  onLabel(choice: LabelChoice): void;
}

/** The labelling card: prompt, completions 1 and 2, and the four answers (keys 1 / 2 / 0 / space). */
export function LabelCard({ candidate, counts, loading, onLabel }: LabelCardProps) {
  const disabled = !candidate || loading;
  return (
    <div
      className="label-card"
      data-testid="label-card"
      data-ready={candidate && !loading ? 'true' : 'false'}
      aria-busy={loading}
    >
      <p className="label-count" data-testid="label-count" data-count={counts.total}>
        <strong>{counts.total}</strong> labelled · {counts.train} trained on · {counts.heldOut} held
        out
        {counts.test > 0 && ` · ${counts.test} in tests`}
        {counts.ties + counts.skips > 0 && ` · ${counts.ties} ties, ${counts.skips} skipped`}
      </p>
      {candidate ? (
        <>
          <p className="label-prompt">
            <span className="muted-text">
              {candidate.test ? 'Test me · ' : ''}completions from{' '}
              {candidate.sampledFrom === 'ref' ? 'π_ref' : 'π_θ'} · prompt:
            </span>{' '}
            <q data-testid="label-prompt">{candidate.prompt}</q>
          </p>
          <div className="label-options">
            {(['a', 'b'] as const).map((side, i) => (
              <button
                key={side}
                type="button"
                className="label-option secondary"
                data-testid={`label-${side}`}
                disabled={disabled}
                onClick={() => onLabel(side)}
              >
                <span className="label-key">{i + 1}</span>
                <span className="label-text">
                  {candidate.prompt}
                  <strong>{side === 'a' ? candidate.a : candidate.b}</strong>
                </span>
              </button>
            ))}
          </div>
          <div className="label-actions">
            <button
              type="button"
              className="secondary"
              disabled={disabled}
              onClick={() => onLabel('tie')}
            >
              <span className="label-key">0</span> tie
            </button>
            <button
              type="button"
              className="secondary"
              disabled={disabled}
              onClick={() => onLabel('skip')}
            >
              <span className="label-key">space</span> skip
            </button>
          </div>
        </>
      ) : (
        <p className="panel-empty">{loading ? 'Sampling a pair…' : 'Load a model to label.'}</p>
      )}
    </div>
  );
}
