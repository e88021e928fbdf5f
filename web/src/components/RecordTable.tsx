import type { ReactNode } from 'react';
import { DataTable } from './DataTable';

/** A column of a record table: its header, and what a record shows in it. */
export type Column<T> = { header: string; cell: (record: T) => ReactNode };

/** A section of records: the id of its table (its heading's is `${id}-title`), its heading for a number of records, its caption, its columns. */
export type RecordSection<T> = { id: string; heading: (total: number) => string; caption: string; columns: readonly Column<T>[] };

/**
 * A section of records under its heading (e.g. "Visites de contrôle (3 visites)"), as a table with one column per
 * definition; the caption says what the records are (RGAA 5.4, hidden visually under the heading). `total` counts the
 * records when they are a page of more (all of them by default).
 */
export function RecordTable<T>({
  section: { id, heading, caption, columns },
  records,
  total = records.length,
}: {
  section: RecordSection<T>;
  records: readonly T[];
  total?: number;
}) {
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{heading(total)}</h2>
      <DataTable
        id={id}
        caption={caption}
        captionHidden
        headers={columns.map((c) => c.header)}
        rows={records.map((r) => columns.map((c) => c.cell(r)))}
      />
    </section>
  );
}
