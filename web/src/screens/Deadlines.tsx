import { Button } from '@codegouvfr/react-dsfr/Button';
import { Link, useSearchParams } from 'react-router-dom';
import { api, ok } from '../api/client';
import { useApi } from '../api/use-api';
import { DataTable } from '../components/DataTable';
import { dashboardQuery, FilterBar } from '../components/FilterBar';
import { Screen } from '../components/Screen';
import { count, dateFr } from '../format/french';
import { DEADLINES, label } from '../format/labels';

const DEFAULT_DAYS = 90;
const MAX_DAYS = 3660;

function daysOf(params: URLSearchParams): number {
  const days = Number(params.get('jours') ?? DEFAULT_DAYS);
  return Number.isInteger(days) && days >= 1 && days <= MAX_DAYS ? days : DEFAULT_DAYS;
}

/** Échéances: every deadline of the next N days, filtered by region, department, type and kind of deadline (in the address). */
export default function Deadlines() {
  const [params] = useSearchParams();
  const days = daysOf(params);
  const deadline = params.get('echeance') ?? undefined;
  const query = { ...dashboardQuery(params), days, ...(deadline ? { deadline } : {}) };
  const loaded = useApi(JSON.stringify(query), () =>
    api.GET('/dashboard/deadlines', { params: { query: { ...query, limit: 200 } } }).then(ok),
  );

  const exportCsv = async () => {
    const { response } = await api.GET('/dashboard/deadlines', {
      params: { query: { ...query, format: 'csv', limit: 1000 } },
      parseAs: 'blob',
    });
    const url = URL.createObjectURL(await response.blob());
    Object.assign(document.createElement('a'), { href: url, download: 'echeances.csv' }).click();
    URL.revokeObjectURL(url);
  };

  const title = days === 1 ? 'Échéances du prochain jour' : `Échéances des ${days} prochains jours`;
  return (
    <Screen title={deadline ? `${title} : ${label(DEADLINES, deadline)}` : title} loaded={loaded}>
      {(d) => (
        <>
          <FilterBar withDays />
          <p className="fr-mt-2w">
            {count(d.total, 'échéance')}
            {deadline && (
              <>
                {' · '}
                <Link to={`/echeances?${withoutParam(params, 'echeance')}`}>toutes les natures d’échéance</Link>
              </>
            )}
          </p>
          <Button priority="secondary" size="small" iconId="fr-icon-download-line" onClick={exportCsv}>
            Exporter en CSV
          </Button>
          <DataTable
            id="deadlines"
            caption={title}
            captionHidden
            headers={['Date', 'Échéance', 'Règle', 'Centre', 'Département']}
            rows={d.items.map((x) => [
              dateFr(x.on),
              <>
                {label(DEADLINES, x.deadline)}
                {x.subject !== 'agrement' && <small className="fr-ml-1w">{x.subjectId}</small>}
              </>,
              x.ruleId,
              x.agrementId ? <Link to={`/centres/${x.agrementId}`}>{x.organisationName}</Link> : x.organisationName,
              x.department ?? '',
            ])}
          />
        </>
      )}
    </Screen>
  );
}

function withoutParam(params: URLSearchParams, name: string): string {
  const next = new URLSearchParams(params);
  next.delete(name);
  return next.toString();
}
