import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Select } from '@codegouvfr/react-dsfr/Select';
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { APPLICATION_STATES as STATE_CODES } from '../../../src/application/domain/procedure';
import { api, ok } from '../api/client';
import { useApi } from '../api/use-api';
import { ApplicationStateBadge } from '../components/ApplicationStateBadge';
import { DataTable } from '../components/DataTable';
import { ListCount, ListPages, pageOf, windowOf } from '../components/Paging';
import { Screen } from '../components/Screen';
import { dateFr } from '../format/french';
import { daysFr } from '../format/duration';
import { APPLICANT_KINDS, APPLICATION_STATES, label } from '../format/labels';

const PAGE_SIZE = 25;

/** The address's filters (#/demandes?etat=submitted&retard=oui&page=2), French names, the API's values. */
function queryOf(params: URLSearchParams) {
  const state = params.get('etat');
  return {
    state: (STATE_CODES as readonly string[]).includes(state ?? '') ? (state as (typeof STATE_CODES)[number]) : undefined,
    overdue: params.get('retard') === 'oui',
    page: pageOf(params),
  };
}

/** Demandes d'agrément: every application, by state or overdue (APP-7), newest first, a page at a time. */
export default function Applications() {
  const [params, setParams] = useSearchParams();
  const q = queryOf(params);
  const loaded = useApi(JSON.stringify(q), () =>
    api
      .GET('/applications', {
        params: {
          query: {
            ...(q.state ? { state: q.state } : {}),
            ...(q.overdue ? { overdue: true } : {}),
            ...windowOf(q.page, PAGE_SIZE),
          },
        },
      })
      .then(ok),
  );

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    const state = String(form.get('etat') ?? '');
    if (state) next.set('etat', state);
    if (form.get('retard')) next.set('retard', 'oui');
    setParams(next);
  };

  return (
    <Screen title="Demandes d’agrément" loaded={loaded}>
      {(list) => (
        <>
          <form id="filters" className="filters" onSubmit={submit} key={params.toString()} aria-label="Filtres">
            <Select label="État" nativeSelectProps={{ name: 'etat', defaultValue: q.state ?? '' }}>
              <option value="">Tous</option>
              {STATE_CODES.map((s) => (
                <option key={s} value={s}>
                  {label(APPLICATION_STATES, s)}
                </option>
              ))}
            </Select>
            <Checkbox
              options={[
                {
                  label: 'En retard (plus de 2 mois, APP-7)',
                  nativeInputProps: { name: 'retard', value: 'oui', defaultChecked: q.overdue },
                },
              ]}
            />
            <Button type="submit">Filtrer</Button>
          </form>
          <ListCount total={list.total} page={q.page} pageSize={PAGE_SIZE} noun="demande" />
          <DataTable
            id="applications"
            caption="Demandes d’agrément"
            captionHidden
            headers={['Organisme', 'Type', 'État', 'Reçue le', 'Délai APP-7 écoulé']}
            rows={list.items.map((a) => [
              <Link to={`/demandes/${a.id}`}>{a.organisationName}</Link>,
              label(APPLICANT_KINDS, a.kind),
              <ApplicationStateBadge state={a.state} overdue={a.overdueFlaggedAt !== null} />,
              dateFr(a.receivedAt),
              a.netElapsedMs === null ? '' : `${daysFr(a.netElapsedMs)} sur 2 mois`,
            ])}
          />
          <ListPages id="applications-pages" path="/demandes" params={params} total={list.total} page={q.page} pageSize={PAGE_SIZE} />
        </>
      )}
    </Screen>
  );
}
