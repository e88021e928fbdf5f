import { DataTable } from '../../components/DataTable';
import { count, dateTimeFr, monthFr } from '../../format/french';
import { label, STATEMENT_STATES } from '../../format/labels';
import type { Records } from './records';

/** The centre's monthly statements, latest month first (BIL-1: sent on time or late; BIL-2: invoiced, paid). */
export function CentreStatements({ statements }: { statements: NonNullable<Records['statements']> }) {
  return (
    <section aria-labelledby="statements-title">
      <h2 id="statements-title">Relevés mensuels ({count(statements.total, 'relevé', 'relevés')})</h2>
      <DataTable
        id="statements"
        caption="Relevés mensuels du centre (BIL-1)"
        captionHidden
        headers={['Mois', 'État', 'À envoyer avant', 'Envoyé', 'Candidats']}
        rows={statements.items.map((s) => [
          monthFr(s.month),
          <span data-statement-state={s.state}>{label(STATEMENT_STATES, s.state)}</span>,
          dateTimeFr(s.dueAt),
          s.sentAt
            ? `le ${dateTimeFr(s.sentAt)}${s.sentLate ? ' (en retard, BIL-1)' : ''}`
            : `non envoyé${s.dueAt && Date.parse(s.dueAt) < Date.now() ? ' — en retard (BIL-1)' : ''}`,
          s.totals?.candidates ?? '',
        ])}
      />
    </section>
  );
}
