import type { StoredFindings } from '../../../../src/visits/domain/findings';
import { CHECKLIST_LABELS } from '../../../../src/visits/domain/findings';
import type { RecordSection } from '../../components/RecordTable';
import { count, dateFr } from '../../format/french';
import { label, PROPOSAL_KINDS, VISIT_KINDS, VISIT_STATUS } from '../../format/labels';
import type { Records } from './records';

/** VIS-4: what a visit found, in words: the failed items of the checklist, the summary, what was proposed to the legal team. */
function findingsText(f: StoredFindings | null): string {
  if (!f) return '';
  const failed = f.failed.length
    ? `Non conforme : ${f.failed.map((i) => CHECKLIST_LABELS[i] ?? i).join(' ; ')}`
    : 'Tous les points contrôlés sont conformes';
  const proposed = f.proposals.length
    ? ` — proposé au service juridique : ${f.proposals.map((p) => `${label(PROPOSAL_KINDS, p.kind)} (${p.ruleId})`).join(', ')}`
    : '';
  const summary = f.input.summary ? `. ${f.input.summary}` : '';
  return `${failed}${proposed}${summary}`;
}

type Visit = NonNullable<Records['visits']>[number];
/** The centre's control visits, latest first, with their findings (VIS-1..4). */
export const VISITS: RecordSection<Visit> = {
  id: 'visits',
  heading: (n) => `Visites de contrôle (${count(n, 'visite', 'visites')})`,
  caption: 'Visites de contrôle et constats (VIS-1 à VIS-4)',
  columns: [
    { header: 'Date', cell: (v) => dateFr(v.plannedOn) },
    { header: 'Visite', cell: (v) => label(VISIT_KINDS, v.kind) },
    { header: 'Inspecteur', cell: (v) => v.inspector.name },
    { header: 'Statut', cell: (v) => <span data-visit-status={v.status}>{label(VISIT_STATUS, v.status)}</span> },
    { header: 'Constats (VIS-4)', cell: (v) => findingsText(v.findings as StoredFindings | null) },
  ],
};
