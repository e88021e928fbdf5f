import { DataTable } from '../../components/DataTable';
import { count, dateFr } from '../../format/french';
import { label, QUALITY_KINDS } from '../../format/labels';
import type { Records } from './records';

/** The centre's quality record, newest first: complaints, incidents, fraud reports… (VIS-1 reads it for the risk score). */
export function QualityRecord({ quality }: { quality: NonNullable<Records['quality']> }) {
  return (
    <section aria-labelledby="quality-title">
      <h2 id="quality-title">Suivi qualité ({count(quality.total, 'signalement', 'signalements')})</h2>
      <DataTable
        id="quality"
        caption="Suivi qualité du centre"
        captionHidden
        headers={['Date', 'Nature', 'Règle', 'Résumé', 'Session']}
        rows={quality.items.map((q) => [
          dateFr(q.occurredOn),
          label(QUALITY_KINDS, q.kind),
          q.ruleId ?? '',
          q.summary ?? '',
          q.sessionId ?? '',
        ])}
      />
    </section>
  );
}
