import { Link, useSearchParams } from 'react-router-dom';
import { api, ok } from '../api/client';
import { useApi } from '../api/use-api';
import { DataTable } from '../components/DataTable';
import { dashboardQuery, FilterBar } from '../components/FilterBar';
import { Screen } from '../components/Screen';
import { count, dateFr } from '../format/french';
import { label, OVERDUE } from '../format/labels';

/** En retard: undecided proposals (BRE-4), missed renewals (AGR-2), applications past 2 months (APP-7), SES-10, BIL-1. */
export default function Overdue() {
  const [params] = useSearchParams();
  const query = dashboardQuery(params);
  const loaded = useApi(JSON.stringify(query), () =>
    api.GET('/dashboard/overdue', { params: { query: { ...query, limit: 200 } } }).then(ok),
  );
  return (
    <Screen title="En retard" loaded={loaded}>
      {(d) => (
        <>
          <FilterBar />
          <p className="fr-mt-2w">{count(d.total, 'retard')}</p>
          <DataTable
            id="overdue"
            caption="En retard"
            captionHidden
            headers={['Depuis', 'Quoi', 'Règle', 'Centre']}
            rows={d.items.map((x) => [
              dateFr(x.since),
              label(OVERDUE, x.what),
              x.ruleId,
              x.agrementId ? <Link to={`/centres/${x.agrementId}`}>{x.organisationName}</Link> : x.organisationName,
            ])}
          />
        </>
      )}
    </Screen>
  );
}
