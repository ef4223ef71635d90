import { useRef, useState } from 'react';
import {
  type ImportedFrontier,
  parseFrontierResults,
} from '../../pipeline/frontier/frontierImport';
import { readFiles } from '../download';
import { FileButton } from '../FileButton';

interface Props {
  imported: readonly ImportedFrontier[];
  onOpen: (f: ImportedFrontier) => void;
  onRemove: (id: string) => void;
}

/**
 * "Open a frontier": a finished sweep's results (a TRL job's or the Node runner's) drawn beside
 * this page's runs, each removable. A wrong file is refused with its reason; nothing else moves.
 */
export function FrontierImports({ imported, onOpen, onRemove }: Props) {
  const [error, setError] = useState<string | null>(null);
  /** Opened so far: each import's id, so that the same results opened twice stay apart. */
  const opened = useRef(0);
  const open = async (files: File[]) => {
    try {
      const read = await readFiles(files);
      const picked = read.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) }));
      onOpen(parseFrontierResults(picked, `import-${++opened.current}`));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div className="frontier-imports" data-testid="frontier-imports">
      <div className="buttons">
        <FileButton
          accept=".json,.zip"
          multiple
          secondary
          testId="frontier-open"
          onFiles={(files) => void open(files)}
        >
          Open a frontier…
        </FileButton>
        <span className="muted">
          a finished sweep’s <code>results/</code>: <code>points.json</code> +{' '}
          <code>summary.json</code>, or the folder as a .zip (a TRL job’s, or{' '}
          <code>npm run frontier</code>’s)
        </span>
      </div>
      {error && (
        <p className="hint fields-note" role="alert" data-testid="frontier-open-error">
          Could not open it: {error}
        </p>
      )}
      {imported.length > 0 && (
        <ul className="frontier-imported" data-testid="frontier-imported">
          {imported.map((f) => (
            <li key={f.id} data-testid="frontier-imported-item">
              <strong>{f.name}</strong> ({f.source}):{' '}
              {[...new Set(f.points.map((p) => p.label))].join(', ')}{' '}
              <span className="muted">· {f.files.join(', ')}</span>{' '}
              <button type="button" className="secondary" onClick={() => onRemove(f.id)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
