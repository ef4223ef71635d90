import { memo } from 'react';
import type { PairPreview } from '../../pipeline/views';
import { ScrollTable } from './ScrollTable';
import './panels.css';

export interface PairsTableProps {
  pairs: PairPreview[];
  total: number;
  /** Pairs from an imported file: no ground-truth rewards. */
  imported?: boolean;
}

const ROWS = 50;

function reward(v: number): string {
  return Number.isFinite(v) ? v.toFixed(2) : '—';
}

/** The first labelled preference pairs of the dataset. */
export const PairsTable = memo(function PairsTable({ pairs, total, imported }: PairsTableProps) {
  const shown = pairs.slice(0, ROWS);
  // Online rounds: which π_θ sampled the pair; label noise: which labels were swapped.
  const showRound = pairs.some((p) => (p.round ?? 1) > 1);
  const showFlip = pairs.some((p) => p.flipped);
  const showSource = pairs.some((p) => p.source);
  return (
    <section
      className="card panel pairs-panel"
      aria-labelledby="pairs-title"
      data-testid="pairs-table"
      data-count={pairs.length}
    >
      <h2 id="pairs-title">Preference pairs</h2>
      <p className="hint">
        {showSource
          ? 'Pairs you labelled (source "you"): chosen is the completion you picked; r* is shown only for comparison.'
          : imported
            ? 'Pairs from your file, as the model sees them after fitting its context.'
            : 'Completions sampled from π_ref (from π_θ in later online rounds), labelled by the ground-truth reward r*: the higher one is chosen.'}{' '}
        {showFlip && 'Rows marked ⇄ had their labels flipped by the label-noise setting. '}
        {total > 0 && `Showing ${shown.length} of ${total.toLocaleString('en')}.`}
      </p>
      {shown.length === 0 ? (
        <p className="panel-empty">Pairs appear once the dataset is built.</p>
      ) : (
        <ScrollTable
          head={
            <>
              {showSource && <th>source</th>}
              {showRound && <th className="num">round</th>}
              {showFlip && <th title="label flipped by label noise">⇄</th>}
              <th>prompt</th>
              <th className="chosen-label">chosen</th>
              <th className="rejected-label">rejected</th>
              <th className="num chosen-label">r*(chosen)</th>
              <th className="num rejected-label">r*(rejected)</th>
            </>
          }
        >
          {shown.map((p, i) => (
            // A preview is replaced wholesale: the row index is its identity.
            <tr
              // biome-ignore lint/suspicious/noArrayIndexKey: see above.
              key={i}
              className={p.flipped ? 'flipped' : undefined}
              data-flipped={p.flipped ? 'true' : undefined}
            >
              {showSource && <td>{p.source ?? ''}</td>}
              {showRound && <td className="num">{p.round ?? 1}</td>}
              {showFlip && (
                <td title={p.flipped ? 'label flipped' : undefined}>{p.flipped ? '⇄' : ''}</td>
              )}
              <td className="muted-text">{p.prompt}</td>
              <td>{p.chosen}</td>
              <td>{p.rejected}</td>
              <td className="num">{reward(p.chosenReward)}</td>
              <td className="num">{reward(p.rejectedReward)}</td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </section>
  );
});
