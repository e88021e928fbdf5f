import { Table } from '@codegouvfr/react-dsfr/Table';
import type { ReactNode } from 'react';

/**
 * A DSFR table with its caption (RGAA 5.4; hidden visually when a heading already says it). Nothing to show
 * reads "Rien à signaler."
 */
export function DataTable({
  id,
  caption,
  headers,
  rows,
  captionHidden = false,
}: {
  id?: string;
  caption: string;
  headers: string[];
  rows: ReactNode[][];
  captionHidden?: boolean;
}) {
  if (rows.length === 0) return <p id={id}>Rien à signaler.</p>;
  return <Table id={id} caption={caption} noCaption={captionHidden} headers={headers} data={rows} bordered />;
}
