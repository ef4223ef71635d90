import { memo, useState } from 'react';
import { formatBytes } from '../../storage/bytes';
import type { RunListItem, StorageSummary } from '../../worker/protocol';
import { ScrollTable } from './ScrollTable';
import './panels.css';

interface Props {
  runs: RunListItem[];
  storage: StorageSummary | null;
  currentId: string | null;
  /** Resume is refused while something trains. */
  busy: boolean;
  onResume: (id: string) => void;
  onRename: (id: string, name: string) => void;
  onDelete: (id: string) => void;
  onPrune: (id: string) => void;
  /** The runs ticked for the side-by-side charts. */
  compared: readonly string[];
  onCompare: (ids: string[]) => void;
}

const when = (t: number) =>
  new Date(t).toLocaleString('en', {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

/** Every run kept in this browser (IndexedDB): resume, rename, delete, free space. */
export const RunsPanel = memo(function RunsPanel(p: Props) {
  const [editing, setEditing] = useState<{ id: string; name: string } | null>(null);
  const s = p.storage;
  return (
    <section
      className="card panel runs-panel"
      aria-labelledby="runs-title"
      data-testid="runs-panel"
    >
      <h2 id="runs-title">Saved runs</h2>
      <p className="hint">
        Kept in this browser’s storage (IndexedDB) with their metrics, samples, pairs and the last
        two checkpoints of π_θ; an interrupted run resumes from its last checkpoint.{' '}
        {s && (
          <span data-testid="storage-usage">
            Using {formatBytes(s.totalBytes)}
            {s.quota ? ` of ${formatBytes(s.quota)} available to this site` : ''}.
          </span>
        )}
      </p>
      {p.runs.length === 0 ? (
        <p className="panel-empty">No saved runs yet: press Train.</p>
      ) : (
        <ScrollTable
          className="runs"
          head={
            <>
              <th title="Overlay on the comparison charts">compare</th>
              <th>name</th>
              <th>status</th>
              <th className="num">step</th>
              <th>data</th>
              <th className="num">size</th>
              <th>updated</th>
              <th />
            </>
          }
        >
          {p.runs.map((r) => (
            <tr
              key={r.id}
              data-testid="run-row"
              data-run-id={r.id}
              data-status={r.status}
              className={r.id === p.currentId ? 'current' : undefined}
            >
              <td>
                {r.kind === 'dpo' && (
                  <input
                    type="checkbox"
                    aria-label={`compare ${r.name}`}
                    data-testid="run-compare"
                    style={{ minWidth: 0 }}
                    checked={p.compared.includes(r.id)}
                    onChange={(e) =>
                      p.onCompare(
                        e.target.checked
                          ? [...p.compared, r.id]
                          : p.compared.filter((id) => id !== r.id),
                      )
                    }
                  />
                )}
              </td>
              <td>
                {editing?.id === r.id ? (
                  <form
                    onSubmit={(e) => {
                      e.preventDefault();
                      if (editing.name.trim()) p.onRename(r.id, editing.name);
                      setEditing(null);
                    }}
                  >
                    <input
                      aria-label="run name"
                      value={editing.name}
                      maxLength={120}
                      onChange={(e) => setEditing({ id: r.id, name: e.target.value })}
                      onBlur={() => setEditing(null)}
                    />
                  </form>
                ) : (
                  <button
                    type="button"
                    className="link"
                    title="Rename"
                    onClick={() => setEditing({ id: r.id, name: r.name })}
                  >
                    {r.name}
                  </button>
                )}
              </td>
              <td>{r.kind === 'model' ? 'π_ref model' : r.status}</td>
              <td className="num">{r.kind === 'model' ? '—' : `${r.step}/${r.totalSteps}`}</td>
              <td className="muted-text">{r.dataName ?? '—'}</td>
              <td className="num">{formatBytes(r.bytes)}</td>
              <td className="muted-text">{when(r.updatedAt)}</td>
              <td className="row-actions">
                {r.kind === 'dpo' && r.status !== 'done' && (
                  <button
                    type="button"
                    data-testid="run-resume"
                    disabled={p.busy || r.id === p.currentId}
                    onClick={() => p.onResume(r.id)}
                  >
                    Resume
                  </button>
                )}
                {r.kind === 'dpo' && r.status === 'done' && (
                  <button
                    type="button"
                    className="secondary"
                    disabled={p.busy || r.id === p.currentId}
                    onClick={() => p.onResume(r.id)}
                  >
                    Open
                  </button>
                )}
                {r.kind === 'dpo' && (
                  <button
                    type="button"
                    className="secondary"
                    title="Keep only the last checkpoint"
                    onClick={() => p.onPrune(r.id)}
                  >
                    Prune
                  </button>
                )}
                <button
                  type="button"
                  className="secondary"
                  data-testid="run-delete"
                  onClick={() => {
                    if (window.confirm(`Delete “${r.name}” and its checkpoints?`)) p.onDelete(r.id);
                  }}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </section>
  );
});
