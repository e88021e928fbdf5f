import type { ReactNode } from 'react';
import type { Schemas } from '../../api/client';
import { DataTable } from '../../components/DataTable';
import { StateBadge } from '../../components/StateBadge';
import { count, dateFr } from '../../format/french';
import { DEADLINES, label } from '../../format/labels';
import { outcome } from './outcome';

type Agrement = Schemas['Agrement'];

/** The agrément in one line: its state, its period, its candidates (QUO-1), and what the screen adds (a link). */
export function AgrementSummary({ a, children }: { a: Agrement; children?: ReactNode }) {
  return (
    <p className="centre-summary">
      État : <StateBadge state={a.state} />
      {a.startOn && a.termOn && (
        <>
          {' '}
          · agrément du {dateFr(a.startOn)} au {dateFr(a.termOn)}
        </>
      )}{' '}
      · {count(a.candidates, 'candidat')}
      {children}
    </p>
  );
}

/** Issue 10 §3: every deadline of the agrément with what became of it. */
export function DeadlineLedger({ id, caption, a }: { id: string; caption: string; a: Agrement }) {
  return (
    <DataTable
      id={id}
      caption={caption}
      captionHidden
      headers={['Date', 'Échéance', 'Règle', 'Issue']}
      rows={a.ledger.map((d) => [dateFr(d.on), label(DEADLINES, d.name), d.ruleId, <span data-outcome={d.outcome}>{outcome(d)}</span>])}
    />
  );
}
