import type { ReactNode, TableHTMLAttributes } from 'react';
import './panels.css';

export interface ScrollTableProps extends TableHTMLAttributes<HTMLTableElement> {
  /** The header row's cells. */
  head: ReactNode;
  /** The body's rows. */
  children: ReactNode;
}

/**
 * A table in the `pairs` style that scrolls inside its card: one header row, then the rows.
 * Other props (className, data-testid, data-*) go to the <table>.
 */
export function ScrollTable({ head, children, className, ...table }: ScrollTableProps) {
  return (
    <div className="pairs-scroll">
      <table className={className ? `pairs ${className}` : 'pairs'} {...table}>
        <thead>
          <tr>{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
