import { Button } from '@codegouvfr/react-dsfr/Button';
import { Link } from 'react-router-dom';
import { APPLICATION_STATES as STATE_CODES } from '../../../src/application/domain/procedure';
import { api, ok } from '../api/client';
import { useApi } from '../api/use-api';
import { ApplicationStateBadge } from '../components/ApplicationStateBadge';
import { DataTable } from '../components/DataTable';
import { CodeSelect, FlagCheckbox } from '../components/FilterBar';
import { flagParam, oneOf, useListQuery } from '../components/list-query';
import { ListCount, ListPages } from '../components/Paging';
import { Screen } from '../components/Screen';
import { dateFr } from '../format/french';
import { daysFr } from '../format/duration';
import { APPLICANT_KINDS, APPLICATION_STATES, label } from '../format/labels';

const PAGE_SIZE = 25;

/** The address's filters (#/demandes?etat=submitted&retard=oui&page=2), French names, the API's values. */
function queryOf(params: URLSearchParams) {
  return { state: oneOf(params.get('etat'), STATE_CODES), overdue: flagParam(params, 'retard') };
}

/** Demandes d'agrément: every application, by state or overdue (APP-7), newest first, a page at a time. */
export default function Applications() {
  const list = useListQuery(queryOf, { pageSize: PAGE_SIZE, checkboxes: ['retard'] });
  const { query: q, page, params } = list;
  const loaded = useApi(list.key, () => api.GET('/applications', { params: { query: { ...q, ...list.window } } }).then(ok));

  return (
    <Screen title="Demandes d’agrément" loaded={loaded}>
      {(d) => (
        <>
          <form id="filters" className="filters" onSubmit={list.submit} key={list.formKey()} aria-label="Filtres">
            <CodeSelect label="État" name="etat" codes={STATE_CODES} labels={APPLICATION_STATES} value={q.state} />
            <FlagCheckbox label="En retard (plus de 2 mois, APP-7)" name="retard" checked={q.overdue} />
            <Button type="submit">Filtrer</Button>
          </form>
          <ListCount total={d.total} page={page} pageSize={PAGE_SIZE} noun="demande" />
          <DataTable
            id="applications"
            caption="Demandes d’agrément"
            captionHidden
            headers={['Organisme', 'Type', 'État', 'Reçue le', 'Délai APP-7 écoulé']}
            rows={d.items.map((a) => [
              <Link to={`/demandes/${a.id}`}>{a.organisationName}</Link>,
              label(APPLICANT_KINDS, a.kind),
              <ApplicationStateBadge state={a.state} overdue={a.overdueFlaggedAt !== null} />,
              dateFr(a.receivedAt),
              a.netElapsedMs === null ? '' : `${daysFr(a.netElapsedMs)} sur 2 mois`,
            ])}
          />
          <ListPages id="applications-pages" path="/demandes" params={params} total={d.total} page={page} pageSize={PAGE_SIZE} />
        </>
      )}
    </Screen>
  );
}
