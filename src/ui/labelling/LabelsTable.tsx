import type { LabelChoice, LabelView } from '../../data/labels';
import { ScrollTable } from '../panels/ScrollTable';

export interface LabelsTableProps {
  labels: LabelView[];
  onEdit(id: string, choice: LabelChoice): void;
  onRemove(id: string): void;
}

const ROWS = 100;
const CHOICES: { value: LabelChoice; label: string }[] = [
  { value: 'a', label: '1 better' },
  { value: 'b', label: '2 better' },
  { value: 'tie', label: 'tie' },
  { value: 'skip', label: 'skip' },
];

/** Your labels, newest first: source, share, the choice (editable), remove. */
export function LabelsTable({ labels, onEdit, onRemove }: LabelsTableProps) {
  const shown = labels.slice(-ROWS).reverse();
  if (shown.length === 0) return null;
  return (
    <ScrollTable
      className="labels-table"
      data-testid="labels-table"
      data-count={labels.length}
      head={
        <>
          <th>source</th>
          <th>use</th>
          <th>prompt</th>
          <th>1</th>
          <th>2</th>
          <th>your choice</th>
          <th>
            <span className="visually-hidden">remove</span>
          </th>
        </>
      }
    >
      {shown.map((l) => (
        <tr key={l.id} data-choice={l.choice}>
          <td title={l.votes ? `votes: ${l.votes.a} for 1, ${l.votes.b} for 2` : undefined}>
            {l.source === 'import' ? (l.labellers ?? []).join(', ') || 'import' : l.source}
          </td>
          <td className="muted-text">{l.test ? 'test' : l.heldOut ? 'held out' : 'train'}</td>
          <td className="muted-text">{l.prompt}</td>
          <td className={l.choice === 'a' ? 'chosen-label' : undefined}>{l.a}</td>
          <td className={l.choice === 'b' ? 'chosen-label' : undefined}>{l.b}</td>
          <td>
            <select
              aria-label={`your choice for "${l.prompt}"`}
              value={l.choice}
              onChange={(e) => onEdit(l.id, e.target.value as LabelChoice)}
            >
              {CHOICES.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </td>
          <td>
            <button
              type="button"
              className="secondary small"
              aria-label={`remove the label of "${l.prompt}"`}
              onClick={() => onRemove(l.id)}
            >
              ✕
            </button>
          </td>
        </tr>
      ))}
    </ScrollTable>
  );
}
