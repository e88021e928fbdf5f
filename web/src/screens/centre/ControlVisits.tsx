import type { StoredFindings } from '../../../../src/visits/domain/findings';
import { CHECKLIST_LABELS } from '../../../../src/visits/domain/findings';
import { DataTable } from '../../components/DataTable';
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

/** The centre's control visits, latest first, with their findings (VIS-1..4). */
export function ControlVisits({ visits }: { visits: NonNullable<Records['visits']> }) {
  return (
    <section aria-labelledby="visits-title">
      <h2 id="visits-title">Visites de contrôle ({count(visits.length, 'visite', 'visites')})</h2>
      <DataTable
        id="visits"
        caption="Visites de contrôle et constats (VIS-1 à VIS-4)"
        captionHidden
        headers={['Date', 'Visite', 'Contrôleur', 'Statut', 'Constats (VIS-4)']}
        rows={visits.map((v) => [
          dateFr(v.plannedOn),
          label(VISIT_KINDS, v.kind),
          v.inspector.name,
          <span data-visit-status={v.status}>{label(VISIT_STATUS, v.status)}</span>,
          findingsText(v.findings as StoredFindings | null),
        ])}
      />
    </section>
  );
}
