import type { RecordSection } from '../../components/RecordTable';
import { count, dateTimeFr, monthFr } from '../../format/french';
import { label, STATEMENT_STATES } from '../../format/labels';
import type { Records } from './records';

type Statement = NonNullable<Records['statements']>['items'][number];
/** The centre's monthly statements, latest month first (BIL-1: sent on time or late; BIL-2: invoiced, paid). */
export const STATEMENTS: RecordSection<Statement> = {
  id: 'statements',
  heading: (n) => `Relevés mensuels (${count(n, 'relevé', 'relevés')})`,
  caption: 'Relevés mensuels du centre (BIL-1)',
  columns: [
    { header: 'Mois', cell: (s) => monthFr(s.month) },
    { header: 'État', cell: (s) => <span data-statement-state={s.state}>{label(STATEMENT_STATES, s.state)}</span> },
    { header: 'À envoyer avant', cell: (s) => dateTimeFr(s.dueAt) },
    {
      header: 'Envoyé',
      cell: (s) =>
        s.sentAt
          ? `le ${dateTimeFr(s.sentAt)}${s.sentLate ? ' (en retard, BIL-1)' : ''}`
          : `non envoyé${s.dueAt && Date.parse(s.dueAt) < Date.now() ? ' — en retard (BIL-1)' : ''}`,
    },
    { header: 'Candidats', cell: (s) => s.totals?.candidates ?? '' },
  ],
};
