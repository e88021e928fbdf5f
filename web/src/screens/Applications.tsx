import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Pagination } from '@codegouvfr/react-dsfr/Pagination';
import { Select } from '@codegouvfr/react-dsfr/Select';
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { APPLICATION_STATES as STATE_CODES } from '../../../src/application/domain/procedure';
import { api, ok } from '../api/client';
import { useApi } from '../api/use-api';
import { ApplicationStateBadge } from '../components/ApplicationStateBadge';
import { DataTable } from '../components/DataTable';
import { Screen } from '../components/Screen';
import { count, dateFr } from '../format/french';
import { daysFr } from '../format/duration';
import { APPLICANT_KINDS, APPLICATION_STATES, label } from '../format/labels';

const PAGE_SIZE = 25;

/** The address's filters (#/demandes?etat=submitted&retard=oui&page=2), French names, the API's values. */
function queryOf(params: URLSearchParams) {
  const state = params.get('etat');
  const page = Number(params.get('page') ?? 1);
  return {
    state: (STATE_CODES as readonly string[]).includes(state ?? '') ? (state as (typeof STATE_CODES)[number]) : undefined,
    overdue: params.get('retard') === 'oui',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
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
            limit: PAGE_SIZE,
            offset: (q.page - 1) * PAGE_SIZE,
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

  const pageLink = (page: number) => {
    const next = new URLSearchParams(params);
    next.set('page', String(page));
    return { to: `/demandes?${next.toString()}` };
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
          <p className="fr-mt-2w">{count(list.total, 'demande')}</p>
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
          {list.total > PAGE_SIZE && (
            <Pagination className="fr-mt-2w" count={Math.ceil(list.total / PAGE_SIZE)} defaultPage={q.page} getPageLinkProps={pageLink} />
          )}
        </>
      )}
    </Screen>
  );
}
