import type { RecordSection } from '../../components/RecordTable';
import { count, dateFr } from '../../format/french';
import { label, QUALITY_KINDS } from '../../format/labels';
import type { Records } from './records';

type Report = NonNullable<Records['quality']>['items'][number];
/** The centre's quality record, newest first: complaints, incidents, fraud reports… (VIS-1 reads it for the risk score). */
export const QUALITY: RecordSection<Report> = {
  id: 'quality',
  heading: (n) => `Suivi qualité (${count(n, 'signalement', 'signalements')})`,
  caption: 'Suivi qualité du centre',
  columns: [
    { header: 'Date', cell: (q) => dateFr(q.occurredOn) },
    { header: 'Nature', cell: (q) => label(QUALITY_KINDS, q.kind) },
    { header: 'Règle', cell: (q) => q.ruleId ?? '' },
    { header: 'Résumé', cell: (q) => q.summary ?? '' },
    { header: 'Session', cell: (q) => q.sessionId ?? '' },
  ],
};
