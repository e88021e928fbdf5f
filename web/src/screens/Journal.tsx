import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Link } from 'react-router-dom';
import { api, ok } from '../api/client';
import type { paths } from '../api/schema';
import { type Loaded, useApi } from '../api/use-api';
import { DataTable } from '../components/DataTable';
import { CodeSelect } from '../components/FilterBar';
import { textParam, useListQuery } from '../components/list-query';
import { CsvExport, ListCount, ListPages } from '../components/Paging';
import { Screen } from '../components/Screen';
import { count, dateTimeFr } from '../format/french';
import { EVENTS, label, LOG_STREAMS, ROLES, STATES } from '../format/labels';
import { useSession } from '../session/session';

type Query = NonNullable<paths['/audit/log']['get']['parameters']['query']>;
type Verification = paths['/audit/log/verification']['get']['responses'][200]['content']['application/json'];

const PAGE_SIZE = 50;
/** The screens that show a subject of the log (an agrément on its centre's screen, an application on its own). */
const SUBJECT_SCREENS: Readonly<Record<string, string>> = { agrement: '/centres', application: '/demandes' };
/** Issue 12: the chain's verification (a role without it reads the Journal without its status). */
const VERIFY = 'log.verify';

/** The address's French names (#/journal?acteur=…&du=2026-10-01) and the API's. */
const FILTERS: Readonly<Record<string, keyof Query>> = {
  acteur: 'actor',
  role: 'role',
  type: 'type',
  regle: 'ruleId',
  flux: 'streamType',
  sujet: 'streamId',
  du: 'from',
  au: 'to',
};

function queryOf(params: URLSearchParams): Query {
  return Object.fromEntries(Object.entries(FILTERS).map(([name, field]) => [field, textParam(params, name)])) as Query;
}

/** Issue 12: the chain as verified now — every link, and the signed checkpoints — in plain French. */
function ChainStatus({ loaded }: { loaded: Loaded<Verification> }) {
  if (loaded.status === 'loading') return <p id="chain-status">Vérification de la chaîne en cours…</p>;
  if (loaded.status === 'error')
    return <Alert id="chain-status" severity="warning" small description={`Vérification impossible : ${loaded.error.message}`} />;
  const v = loaded.data;
  const checkpoints =
    v.checkpoints.sink === null
      ? 'Aucun dépôt de points de contrôle signés n’est configuré.'
      : `${count(v.checkpoints.checked, 'point de contrôle signé vérifié', 'points de contrôle signés vérifiés')}${
          v.checkpoints.latestAt ? `, le dernier du ${dateTimeFr(v.checkpoints.latestAt)}` : ''
        }.`;
  if (v.valid)
    return (
      <div id="chain-status" data-valid="true">
        <Alert
          severity="success"
          title="Chaîne du journal vérifiée"
          description={`${count(v.checked, 'entrée contrôlée', 'entrées contrôlées')} : aucune n’a été modifiée, retirée ni insérée. ${checkpoints}`}
        />
      </div>
    );
  const where = v.brokenAt?.id
    ? `à l’entrée n° ${v.brokenAt.id}`
    : v.brokenAt?.checkpoint
      ? `au point de contrôle ${v.brokenAt.checkpoint}`
      : '';
  return (
    <div id="chain-status" data-valid="false">
      <Alert
        severity="error"
        title={`Chaîne du journal rompue ${where}`.trim()}
        description={`${v.brokenAt?.detail ?? ''} ${count(v.checked, 'entrée contrôlée', 'entrées contrôlées')} avant la rupture.`.trim()}
      />
    </div>
  );
}

/**
 * Journal (issue 14): the audit log — who did what, when, on what, under which rule, and why — filtered and paged,
 * newest first, with the hash chain's verification (issue 12) for the roles that may run it.
 */
export default function Journal() {
  const list = useListQuery(queryOf, { pageSize: PAGE_SIZE });
  const { query, page, params } = list;
  const { can } = useSession();
  const verifies = can(VERIFY);
  const loaded = useApi(list.key, () => api.GET('/audit/log', { params: { query: { ...query, ...list.window } } }).then(ok));
  // The verification walks the whole log: once for the screen, not per page (GET /audit/log's description).
  const verification = useApi(verifies ? 'verification' : 'none', () =>
    verifies ? api.GET('/audit/log/verification').then(ok) : Promise.reject(new Error('non autorisé')),
  );

  const text = (name: string, fieldLabel: string, hint?: string, extra: Record<string, unknown> = {}) => (
    <Input label={fieldLabel} hintText={hint} nativeInputProps={{ name, defaultValue: params.get(name) ?? '', maxLength: 200, ...extra }} />
  );

  return (
    <Screen title="Journal" loaded={loaded}>
      {(d) => {
        return (
          <>
            <div aria-live="polite" className="fr-mb-3w">
              {verifies ? (
                <ChainStatus loaded={verification} />
              ) : (
                <p id="chain-status">La vérification de la chaîne est réservée aux opérations et au service juridique.</p>
              )}
            </div>
            <form id="journal-filters" className="filters" aria-label="Filtres du journal" onSubmit={list.submit} key={list.formKey()}>
              {text('acteur', 'Acteur', 'Nom ou partie du nom, ex. system')}
              <CodeSelect label="Rôle" name="role" codes={Object.keys(ROLES)} labels={ROLES} value={params.get('role')} />
              {text('type', 'Type d’entrée', 'Ex. suspended', { pattern: '[A-Za-z0-9][A-Za-z0-9._:\\-]{0,99}' })}
              {text('regle', 'Règle', 'Ex. SUS-1', { size: 8, pattern: '[A-Z]{2,6}-[0-9]{1,3}' })}
              <CodeSelect label="Sujet" name="flux" codes={Object.keys(LOG_STREAMS)} labels={LOG_STREAMS} value={params.get('flux')} />
              {text('sujet', 'Identifiant du sujet', 'Identifiant d’agrément, de demande, de session…', {
                size: 36,
                pattern: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
              })}
              {text('du', 'Du', undefined, { type: 'date' })}
              {text('au', 'Au', undefined, { type: 'date' })}
              <Button type="submit">Filtrer</Button>
            </form>

            <ListCount id="journal-count" total={d.total} page={page} pageSize={PAGE_SIZE} noun="entrée" />
            <CsvExport
              filename="journal.csv"
              fetchCsv={() => api.GET('/audit/log', { params: { query: { ...query, format: 'csv' } }, parseAs: 'blob' })}
            />
            <DataTable
              id="journal"
              caption="Entrées du journal, la plus récente d’abord"
              captionHidden
              headers={['N°', 'Date', 'Acteur', 'Entrée', 'Sujet', 'Règles', 'Motif']}
              rows={d.items.map((e) => [
                <span data-sequence={e.sequence}>{e.sequence}</span>,
                dateTimeFr(e.occurredAt),
                e.actor.role ? `${e.actor.name} (${label(ROLES, e.actor.role)})` : e.actor.name,
                <>
                  {label(EVENTS, e.type)}
                  {(e.from || e.to) && (
                    <>
                      <br />
                      <small>
                        {e.from ? label(STATES, e.from) : '—'} → {e.to ? label(STATES, e.to) : '—'}
                      </small>
                    </>
                  )}
                </>,
                <>
                  {SUBJECT_SCREENS[e.subject.type] ? (
                    <Link to={`${SUBJECT_SCREENS[e.subject.type]}/${e.subject.id}`}>{label(LOG_STREAMS, e.subject.type)}</Link>
                  ) : (
                    label(LOG_STREAMS, e.subject.type)
                  )}
                  <br />
                  <small className="journal-id">{e.subject.id}</small>
                </>,
                e.ruleIds.join(', '),
                e.reason ?? '',
              ])}
            />
            <ListPages id="journal-pages" path="/journal" params={params} total={d.total} page={page} pageSize={PAGE_SIZE} />
          </>
        );
      }}
    </Screen>
  );
}
