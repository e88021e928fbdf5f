import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Link } from 'react-router-dom';
import { api, ok } from '../api/client';
import type { paths } from '../api/schema';
import { useApi } from '../api/use-api';
import { CodeSelect, DepartmentInput, KindSelect, RegionSelect, useRegions } from '../components/FilterBar';
import { oneOf, textParam, useListQuery } from '../components/list-query';
import { CsvExport, ListCount, ListPages } from '../components/Paging';
import { Screen } from '../components/Screen';
import { StateBadge } from '../components/StateBadge';
import { dateFr } from '../format/french';
import { DEADLINES, KINDS, label, STATES } from '../format/labels';

type Query = NonNullable<paths['/centres']['get']['parameters']['query']>;
type Sort = NonNullable<Query['sort']>;
type State = NonNullable<Query['state']>;

const PAGE_SIZE = 50;
const SORTS: readonly Sort[] = ['name', 'department', 'state', 'termOn', 'nextDeadline'];
const STATE_CODES = Object.keys(STATES) as State[];
const KIND_CODES = ['centre', 'network'] as const;

/**
 * The search in the address, French names there and the API's in the query (#/centres?nom=lyon&etat=active&tri=termOn&ordre=desc&page=2).
 */
function queryOf(params: URLSearchParams): Query {
  const sort = oneOf(params.get('tri'), SORTS);
  return {
    name: textParam(params, 'nom'),
    uai: textParam(params, 'uai')?.toUpperCase(),
    department: textParam(params, 'departement'),
    region: textParam(params, 'region'),
    state: oneOf(params.get('etat'), STATE_CODES),
    kind: oneOf(params.get('type'), KIND_CODES),
    sort: sort ?? 'name',
    order: params.get('ordre') === 'desc' ? 'desc' : 'asc',
  };
}

const COLUMNS: { header: string; sort?: Sort }[] = [
  { header: 'Nom', sort: 'name' },
  { header: 'UAI' },
  { header: 'Type' },
  { header: 'Département', sort: 'department' },
  { header: 'État de l’agrément', sort: 'state' },
  { header: 'Fin de l’agrément', sort: 'termOn' },
  { header: 'Prochaine échéance', sort: 'nextDeadline' },
  { header: 'Candidats' },
];

/** Centres et réseaux: the centres and networks found by name, UAI, place, state or kind, sorted and paged, each leading to its agrément. */
export default function Centres() {
  const list = useListQuery(queryOf, { pageSize: PAGE_SIZE });
  const { query, page, params, setParams } = list;
  const regions = useRegions();
  const loaded = useApi(list.key, () => api.GET('/centres', { params: { query: { ...query, ...list.window } } }).then(ok));

  /** A click on a column's header sorts by it (ascending first, then the other way), from the first page. */
  const sortBy = (sort: Sort) => {
    const next = new URLSearchParams(params);
    next.set('tri', sort);
    next.set('ordre', query.sort === sort && query.order === 'asc' ? 'desc' : 'asc');
    next.delete('page');
    setParams(next);
  };

  return (
    <Screen title="Centres et réseaux" loaded={loaded}>
      {(d) => {
        return (
          <>
            {/* Keyed by the address (going back shows that address’s search) and by the regions once loaded (to select one). */}
            <form
              id="centre-search"
              className="filters"
              role="search"
              aria-label="Rechercher un centre"
              onSubmit={list.submit}
              key={list.formKey(regions.length)}
            >
              <Input label="Nom" nativeInputProps={{ name: 'nom', defaultValue: params.get('nom') ?? '', maxLength: 200 }} />
              <Input
                label="UAI"
                hintText="Ou son début, ex. 069"
                nativeInputProps={{ name: 'uai', defaultValue: params.get('uai') ?? '', pattern: '[0-9]{1,7}[A-Za-z]?', size: 9 }}
              />
              <DepartmentInput params={params} />
              <RegionSelect params={params} regions={regions} />
              <CodeSelect label="État de l’agrément" name="etat" codes={STATE_CODES} labels={STATES} value={params.get('etat')} />
              <KindSelect params={params} />
              <Button type="submit" iconId="fr-icon-search-line">
                Rechercher
              </Button>
            </form>

            <ListCount id="centres-count" total={d.total} page={page} pageSize={PAGE_SIZE} noun="résultat" />
            <CsvExport
              filename="centres.csv"
              fetchCsv={() => api.GET('/centres', { params: { query: { ...query, format: 'csv' } }, parseAs: 'blob' })}
            />

            {d.items.length === 0 ? (
              <p id="centres">Aucun centre ne correspond à cette recherche.</p>
            ) : (
              <div className="fr-table fr-table--bordered">
                <div className="fr-table__wrapper">
                  <div className="fr-table__container">
                    <div className="fr-table__content">
                      <table id="centres">
                        <caption className="fr-sr-only">
                          Centres et réseaux trouvés (un clic sur un en-tête de colonne trie la liste)
                        </caption>
                        <thead>
                          <tr>
                            {COLUMNS.map((c) => {
                              const current = c.sort !== undefined && c.sort === query.sort;
                              return (
                                <th
                                  key={c.header}
                                  scope="col"
                                  aria-sort={current ? (query.order === 'desc' ? 'descending' : 'ascending') : c.sort ? 'none' : undefined}
                                >
                                  {c.sort ? (
                                    <button type="button" className="sort-button" data-sort={c.sort} onClick={() => sortBy(c.sort!)}>
                                      {c.header}
                                      <span aria-hidden="true">{current ? (query.order === 'desc' ? ' ▼' : ' ▲') : ' ↕'}</span>
                                    </button>
                                  ) : (
                                    c.header
                                  )}
                                </th>
                              );
                            })}
                          </tr>
                        </thead>
                        <tbody>
                          {d.items.map((c) => (
                            <tr key={c.organisationId} data-organisation={c.organisationId}>
                              <td>
                                {c.agrementId ? <Link to={`/centres/${c.agrementId}`}>{c.name}</Link> : c.name}
                                {c.networkName && c.kind === 'centre' && (
                                  <>
                                    <br />
                                    <small>
                                      Réseau {c.networkName}
                                      {c.agrementHeldBy === 'network' && ' (agrément du réseau)'}
                                    </small>
                                  </>
                                )}
                              </td>
                              <td>{c.uai ?? ''}</td>
                              <td>{label(KINDS, c.kind)}</td>
                              <td>
                                {c.department ?? ''}
                                {c.regionName && (
                                  <>
                                    <br />
                                    <small>{c.regionName}</small>
                                  </>
                                )}
                              </td>
                              <td>{c.state ? <StateBadge state={c.state} /> : 'sans agrément'}</td>
                              <td>{dateFr(c.termOn)}</td>
                              <td>
                                {c.nextDeadline && (
                                  <>
                                    {dateFr(c.nextDeadlineOn)}
                                    <br />
                                    <small>
                                      {label(DEADLINES, c.nextDeadline)}
                                      {c.nextDeadlineRuleId && ` (${c.nextDeadlineRuleId})`}
                                    </small>
                                  </>
                                )}
                              </td>
                              <td>
                                {c.candidates === null || c.candidates === undefined
                                  ? ''
                                  : c.quotaTarget
                                    ? `${c.candidates.toLocaleString('fr-FR')} / ${c.quotaTarget.toLocaleString('fr-FR')}`
                                    : c.candidates.toLocaleString('fr-FR')}
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  </div>
                </div>
              </div>
            )}
            <ListPages id="centres-pages" path="/centres" params={params} total={d.total} page={page} pageSize={PAGE_SIZE} />
          </>
        );
      }}
    </Screen>
  );
}
