import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Link } from 'react-router-dom';
import { api, ok } from '../api/client';
import { useApi } from '../api/use-api';
import { DataTable } from '../components/DataTable';
import { CodeSelect, FlagCheckbox } from '../components/FilterBar';
import { flagParam, oneOf, textParam, useListQuery } from '../components/list-query';
import { ListCount, ListPages } from '../components/Paging';
import { Screen } from '../components/Screen';
import { dateFr, dateTimeFr } from '../format/french';
import { label, SESSION_STATUS } from '../format/labels';

const PAGE_SIZE = 25;
const STATUSES = ['planned', 'finalised', 'cancelled'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The address's filters (#/sessions?centre=lyon&statut=planned&du=2026-01-01&au=2026-12-31&retard=oui&page=2), French names, the API's values. */
function queryOf(params: URLSearchParams) {
  const date = (name: string) => (DATE.test(params.get(name) ?? '') ? params.get(name)! : undefined);
  return {
    centre: textParam(params, 'centre'),
    status: oneOf(params.get('statut'), STATUSES),
    from: date('du'),
    to: date('au'),
    overdue: flagParam(params, 'retard'),
  };
}

/** Sessions: by centre, date, status, or past their SES-10 finalisation deadline, latest first, a page at a time. */
export default function Sessions() {
  const list = useListQuery(queryOf, { pageSize: PAGE_SIZE, checkboxes: ['retard'] });
  const { query: q, page, params } = list;
  const loaded = useApi(list.key, () => api.GET('/sessions', { params: { query: { ...q, ...list.window } } }).then(ok));

  const now = Date.now();

  return (
    <Screen title="Sessions" loaded={loaded}>
      {(d) => (
        <>
          <form id="filters" className="filters" onSubmit={list.submit} key={list.formKey()} aria-label="Filtres">
            <Input label="Centre" hintText="Tout ou partie du nom" nativeInputProps={{ name: 'centre', defaultValue: q.centre ?? '' }} />
            <Input label="Du" nativeInputProps={{ type: 'date', name: 'du', defaultValue: q.from ?? '' }} />
            <Input label="Au" nativeInputProps={{ type: 'date', name: 'au', defaultValue: q.to ?? '' }} />
            <CodeSelect label="Statut" name="statut" codes={STATUSES} labels={SESSION_STATUS} value={q.status} />
            <FlagCheckbox label="Finalisation en retard (plus de 48 h, SES-10)" name="retard" checked={q.overdue} />
            <Button type="submit">Filtrer</Button>
          </form>
          <ListCount total={d.total} page={page} pageSize={PAGE_SIZE} noun="session" />
          <DataTable
            id="sessions"
            caption="Sessions"
            captionHidden
            headers={['Date', 'Session', 'Centre', 'Statut', 'Candidats', 'Finalisation (SES-10)']}
            rows={d.items.map((x) => [
              dateFr(x.date),
              <Link to={`/sessions/${encodeURIComponent(x.id)}`}>{x.id}</Link>,
              x.agrementId ? <Link to={`/centres/${x.agrementId}`}>{x.organisationName}</Link> : x.organisationName,
              label(SESSION_STATUS, x.status),
              x.candidates,
              <span data-overdue={String(x.status === 'planned' && Date.parse(x.deadlineAt) < now)}>{finalisationOf(x, now)}</span>,
            ])}
          />
          <ListPages id="sessions-pages" path="/sessions" params={params} total={d.total} page={page} pageSize={PAGE_SIZE} />
        </>
      )}
    </Screen>
  );
}

/** SES-10: when the session was or must be finalised, in French (Paris time). */
export function finalisationOf(x: { status: string; deadlineAt: string; finalisedAt: string | null }, now: number): string {
  if (x.status === 'finalised' && x.finalisedAt)
    return `finalisée le ${dateTimeFr(x.finalisedAt)}${Date.parse(x.finalisedAt) > Date.parse(x.deadlineAt) ? ' (en retard)' : ''}`;
  if (x.status !== 'planned') return '';
  return Date.parse(x.deadlineAt) < now
    ? `en retard depuis le ${dateTimeFr(x.deadlineAt)}`
    : `avant le ${dateTimeFr(x.deadlineAt)} (heure de Paris)`;
}
