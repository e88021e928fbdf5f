import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Pagination } from '@codegouvfr/react-dsfr/Pagination';
import { Select } from '@codegouvfr/react-dsfr/Select';
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, ok } from '../api/client';
import type { paths } from '../api/schema';
import { useApi } from '../api/use-api';
import { DepartmentInput, paramsFromForm, RegionSelect, useRegions } from '../components/FilterBar';
import { Screen } from '../components/Screen';
import { StateBadge } from '../components/StateBadge';
import { count, dateFr } from '../format/french';
import { DEADLINES, KINDS, label, STATES } from '../format/labels';

type Query = NonNullable<paths['/centres']['get']['parameters']['query']>;
type Sort = NonNullable<Query['sort']>;
type State = NonNullable<Query['state']>;

const PAGE_SIZE = 50;
const SORTS: readonly Sort[] = ['name', 'department', 'state', 'termOn', 'nextDeadline'];
const STATE_CODES = Object.keys(STATES) as State[];

/**
 * The search in the address, French names there and the API's in the query (#/centres?nom=lyon&etat=active&tri=termOn&ordre=desc&page=2):
 * a search can be bookmarked and shared. Unknown values are ignored rather than refused.
 */
function queryOf(params: URLSearchParams): Query & { page: number } {
  const text = (name: string) => params.get(name)?.trim() || undefined;
  const state = params.get('etat') as State | null;
  const kind = params.get('type');
  const sort = params.get('tri') as Sort | null;
  const page = Number(params.get('page') ?? 1);
  return {
    ...(text('nom') ? { name: text('nom') } : {}),
    ...(text('uai') ? { uai: text('uai')!.toUpperCase() } : {}),
    ...(text('departement') ? { department: text('departement') } : {}),
    ...(text('region') ? { region: text('region') } : {}),
    ...(state && STATE_CODES.includes(state) ? { state } : {}),
    ...(kind === 'centre' || kind === 'network' ? { kind } : {}),
    sort: sort && SORTS.includes(sort) ? sort : 'name',
    order: params.get('ordre') === 'desc' ? 'desc' : 'asc',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
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
  const [params, setParams] = useSearchParams();
  const { page, ...query } = queryOf(params);
  const regions = useRegions();
  const loaded = useApi(JSON.stringify({ page, ...query }), () =>
    api.GET('/centres', { params: { query: { ...query, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } } }).then(ok),
  );

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // A new search starts at its first page; the sort order is kept.
    setParams(paramsFromForm(event.currentTarget, params, ['page']));
  };

  /** A click on a column's header sorts by it (ascending first, then the other way), from the first page. */
  const sortBy = (sort: Sort) => {
    const next = new URLSearchParams(params);
    next.set('tri', sort);
    next.set('ordre', query.sort === sort && query.order === 'asc' ? 'desc' : 'asc');
    next.delete('page');
    setParams(next);
  };

  const pageLink = (n: number) => {
    const next = new URLSearchParams(params);
    if (n === 1) next.delete('page');
    else next.set('page', String(n));
    return { to: `/centres?${next}` };
  };

  const exportCsv = async () => {
    const { response } = await api.GET('/centres', { params: { query: { ...query, format: 'csv' } }, parseAs: 'blob' });
    const url = URL.createObjectURL(await response.blob());
    Object.assign(document.createElement('a'), { href: url, download: 'centres.csv' }).click();
    URL.revokeObjectURL(url);
  };

  const key = params.toString();
  return (
    <Screen title="Centres et réseaux" loaded={loaded}>
      {(d) => {
        const pages = Math.max(1, Math.ceil(d.total / PAGE_SIZE));
        return (
          <>
            {/* Keyed by the address (going back shows that address’s search) and by the regions once loaded (to select one). */}
            <form
              id="centre-search"
              className="filters"
              role="search"
              aria-label="Rechercher un centre"
              onSubmit={submit}
              key={`${key}|${regions.length}`}
            >
              <Input label="Nom" nativeInputProps={{ name: 'nom', defaultValue: params.get('nom') ?? '', maxLength: 200 }} />
              <Input
                label="UAI"
                hintText="Ou son début, ex. 069"
                nativeInputProps={{ name: 'uai', defaultValue: params.get('uai') ?? '', pattern: '[0-9]{1,7}[A-Za-z]?', size: 9 }}
              />
              <DepartmentInput params={params} />
              <RegionSelect params={params} regions={regions} />
              <Select label="État de l’agrément" nativeSelectProps={{ name: 'etat', defaultValue: params.get('etat') ?? '' }}>
                <option value="">Tous</option>
                {STATE_CODES.map((s) => (
                  <option key={s} value={s}>
                    {label(STATES, s)}
                  </option>
                ))}
              </Select>
              <Select label="Type" nativeSelectProps={{ name: 'type', defaultValue: params.get('type') ?? '' }}>
                <option value="">Tous</option>
                <option value="centre">Centres</option>
                <option value="network">Réseaux</option>
              </Select>
              <Button type="submit" iconId="fr-icon-search-line">
                Rechercher
              </Button>
            </form>

            <p className="fr-mt-2w" id="centres-count">
              {count(d.total, 'résultat')}
              {pages > 1 && ` · page ${page} sur ${pages}`}
            </p>
            <Button priority="secondary" size="small" iconId="fr-icon-download-line" onClick={exportCsv}>
              Exporter en CSV
            </Button>

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
            {pages > 1 && <Pagination id="centres-pages" count={pages} defaultPage={page} getPageLinkProps={pageLink} showFirstLast />}
          </>
        );
      }}
    </Screen>
  );
}
