import { Card } from '@codegouvfr/react-dsfr/Card';
import { Link, useSearchParams } from 'react-router-dom';
import { api, ok } from '../api/client';
import { useApi } from '../api/use-api';
import { CountChart } from '../components/CountChart';
import { DataTable } from '../components/DataTable';
import { Screen } from '../components/Screen';
import { StateBadge } from '../components/StateBadge';
import { count } from '../format/french';
import { APPLICATION_STATES, DEADLINES, KINDS, label, STATES, STATES_PLURAL } from '../format/labels';

/** The deadlines of the next 30 days, by kind (issue 14, overview). */
const NEXT_DAYS = 30;
/** A click on a state in the chart (or its table) lists those centres: "Centres et réseaux", filtered by state. */
const centresIn = (state: string) => `/centres?etat=${state}&type=centre`;
/** A click on a step of the applications pipeline lists those applications ("Demandes d'agrément", filtered by state). */
const applicationsIn = (state: string) => `/demandes?etat=${state}`;
/** The applications by state, in the order of the procedure (APP-2..6); a state the page does not know yet comes last. */
const pipeline = (byState: Record<string, number>): [string, number][] => {
  const order = Object.keys(APPLICATION_STATES);
  const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
  return Object.entries(byState).sort(([a], [b]) => rank(a) - rank(b));
};

async function load() {
  const [overview, watch, deadlines] = await Promise.all([
    api.GET('/dashboard/overview').then(ok),
    api.GET('/dashboard/watchlist', { params: { query: { limit: 100 } } }).then(ok),
    api.GET('/dashboard/deadlines', { params: { query: { days: NEXT_DAYS, limit: 1000 } } }).then(ok),
  ]);
  const byKind = new Map<string, number>();
  for (const d of deadlines.items) byKind.set(d.deadline, (byKind.get(d.deadline) ?? 0) + 1);
  return {
    overview,
    watch,
    deadlines: { total: deadlines.total, counted: deadlines.items.length, byKind: [...byKind].sort((a, b) => b[1] - a[1]) },
  };
}

export default function Overview() {
  const loaded = useApi('overview', load);
  const [params] = useSearchParams();
  const watchedState = params.get('etat');

  return (
    <Screen title="Vue d'ensemble" loaded={loaded}>
      {({ overview, watch, deadlines }) => {
        const centres = Object.entries(overview.agrements.centre ?? {});
        const networks = Object.entries(overview.agrements.network ?? {});
        // The applications pipeline, in the order of the procedure (APP-2..6).
        const applications = pipeline(overview.applications);
        const watched = watch.items.filter((w) => !watchedState || w.state === watchedState);
        return (
          <>
            <ul className="fr-grid-row fr-grid-row--gutters overview-cards" aria-label="Chiffres clés">
              {centres.map(([state, n]) => (
                <li key={`c-${state}`} className="fr-col-12 fr-col-md-3">
                  <Card
                    title={count(n, `centre ${label(STATES, state)}`, `centres ${label(STATES_PLURAL, state)}`)}
                    titleAs="h2"
                    size="small"
                  />
                </li>
              ))}
              {networks.map(([state, n]) => (
                <li key={`n-${state}`} className="fr-col-12 fr-col-md-3">
                  <Card
                    title={count(n, `réseau ${label(STATES, state)}`, `réseaux ${label(STATES_PLURAL, state)}`)}
                    titleAs="h2"
                    size="small"
                  />
                </li>
              ))}
              <li className="fr-col-12 fr-col-md-3">
                <Card
                  title={count(overview.applicationsOverdue, 'demande en retard (APP-7)', 'demandes en retard (APP-7)')}
                  titleAs="h2"
                  size="small"
                />
              </li>
            </ul>

            <div className="fr-grid-row fr-grid-row--gutters">
              <div className="fr-col-12 fr-col-lg-6">
                <CountChart
                  id="chart-states"
                  caption="Agréments des centres par état"
                  headers={['État', 'Centres']}
                  bars={centres.map(([state, n]) => ({ label: label(STATES, state), n, to: centresIn(state) }))}
                />
              </div>
              <div className="fr-col-12 fr-col-lg-6">
                {deadlines.byKind.length === 0 ? (
                  <>
                    <h2 className="fr-h6 fr-my-4w">Échéances des {NEXT_DAYS} prochains jours par nature</h2>
                    <p>Aucune échéance dans les {NEXT_DAYS} prochains jours.</p>
                  </>
                ) : (
                  <CountChart
                    id="chart-deadlines"
                    caption={`Échéances des ${NEXT_DAYS} prochains jours par nature`}
                    headers={['Échéance', 'Nombre']}
                    horizontal
                    bars={deadlines.byKind.map(([k, n]) => ({
                      label: label(DEADLINES, k),
                      n,
                      to: `/echeances?jours=${NEXT_DAYS}&echeance=${k}`,
                    }))}
                  />
                )}
                {deadlines.total > deadlines.counted && (
                  <p className="fr-text--sm">
                    Compté sur les {count(deadlines.counted, 'première échéance', 'premières échéances')} ({deadlines.total} en tout).
                  </p>
                )}
              </div>
            </div>

            <div className="fr-grid-row fr-grid-row--gutters">
              <div className="fr-col-12 fr-col-lg-6">
                {applications.length === 0 ? (
                  <>
                    <h2 className="fr-h6 fr-my-4w">Demandes d’agrément par état</h2>
                    <p>Aucune demande d’agrément.</p>
                  </>
                ) : (
                  <CountChart
                    id="chart-applications"
                    caption="Demandes d’agrément par état"
                    headers={['État', 'Demandes']}
                    bars={applications.map(([state, n]) => ({
                      label: label(APPLICATION_STATES, state),
                      n,
                      to: applicationsIn(state),
                    }))}
                  />
                )}
              </div>
            </div>

            <h2 id="surveillance">
              {watchedState ? `Centres ${label(STATES_PLURAL, watchedState)}` : 'Centres suspendus ou sous procédure'}
            </h2>
            {watchedState && (
              <p>
                <Link to="/">Voir tous les centres suspendus ou sous procédure</Link>
              </p>
            )}
            <DataTable
              id="watchlist"
              caption="Centres suspendus ou sous procédure"
              captionHidden
              headers={['Centre', 'Type', 'État']}
              rows={watched.map((w) => [
                <Link to={`/centres/${w.agrementId}`}>{w.organisationName}</Link>,
                label(KINDS, w.kind),
                <StateBadge state={w.state} />,
              ])}
            />
          </>
        );
      }}
    </Screen>
  );
}
