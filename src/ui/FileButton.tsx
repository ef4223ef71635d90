import type { ReactNode } from 'react';

export interface FileButtonProps {
  /** The button's text. */
  children: ReactNode;
  /** File types offered by the picker, e.g. ".jsonl,.json". */
  accept: string;
  testId: string;
  /** Called with the picked files (never none). */
  onFiles(files: [File, ...File[]]): void;
  multiple?: boolean;
  disabled?: boolean;
  secondary?: boolean;
}

/** A button that opens the file picker (a label over a hidden file input; styles.css). */
export function FileButton(p: FileButtonProps) {
  const className = `file-button${p.secondary ? ' secondary' : ''}${p.disabled ? ' disabled' : ''}`;
  return (
    <label className={className}>
      {p.children}
      <input
        type="file"
        multiple={p.multiple}
        accept={p.accept}
        data-testid={p.testId}
        disabled={p.disabled}
        onChange={(e) => {
          const [first, ...rest] = e.target.files ?? [];
          if (first) p.onFiles([first, ...rest]);
          e.target.value = ''; // picking the same file again fires a change too
        }}
      />
    </label>
  );
}
