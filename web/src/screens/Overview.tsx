import { Card } from '@codegouvfr/react-dsfr/Card';
import type { ChartEvent, ActiveElement } from 'chart.js';
import { Bar } from 'react-chartjs-2';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, ok } from '../api/client';
import { useApi } from '../api/use-api';
import { ChartFigure } from '../components/ChartFigure';
import { CHART_COLORS } from '../components/charts';
import { DataTable } from '../components/DataTable';
import { Screen } from '../components/Screen';
import { StateBadge } from '../components/StateBadge';
import { count } from '../format/french';
import { DEADLINES, KINDS, label, STATES, STATES_PLURAL } from '../format/labels';

/** The deadlines of the next 30 days, by kind (issue 14, overview). */
const NEXT_DAYS = 30;
/** A click on a state in the chart (or its table) lists those centres: "Centres et réseaux", filtered by state. */
const centresIn = (state: string) => `/centres?etat=${state}&type=centre`;

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

/** Where a click on a bar leads: the list of what it counts. */
const onBar = (go: (index: number) => void) => (_: ChartEvent, elements: ActiveElement[]) => {
  if (elements[0]) go(elements[0].index);
};

export default function Overview() {
  const loaded = useApi('overview', load);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const watchedState = params.get('etat');

  return (
    <Screen title="Vue d'ensemble" loaded={loaded}>
      {({ overview, watch, deadlines }) => {
        const centres = Object.entries(overview.agrements.centre ?? {});
        const networks = Object.entries(overview.agrements.network ?? {});
        const states = centres.map(([state]) => state);
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
                <ChartFigure
                  caption="Agréments des centres par état"
                  chart={(labelId) => (
                    <Bar
                      id="chart-states"
                      role="img"
                      aria-labelledby={labelId}
                      data={{
                        labels: states.map((s) => label(STATES, s)),
                        datasets: [{ label: 'Centres', data: centres.map(([, n]) => n), backgroundColor: CHART_COLORS.primary }],
                      }}
                      options={{
                        maintainAspectRatio: false,
                        plugins: { legend: { display: false } },
                        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
                        onClick: onBar((i) => navigate(centresIn(states[i]!))),
                      }}
                    />
                  )}
                  table={
                    <DataTable
                      caption="Agréments des centres par état"
                      captionHidden
                      headers={['État', 'Centres']}
                      rows={centres.map(([state, n]) => [<Link to={centresIn(state)}>{label(STATES, state)}</Link>, n])}
                    />
                  }
                />
              </div>
              <div className="fr-col-12 fr-col-lg-6">
                {deadlines.byKind.length === 0 ? (
                  <>
                    <h2 className="fr-h6 fr-my-4w">Échéances des {NEXT_DAYS} prochains jours par nature</h2>
                    <p>Aucune échéance dans les {NEXT_DAYS} prochains jours.</p>
                  </>
                ) : (
                  <ChartFigure
                    caption={`Échéances des ${NEXT_DAYS} prochains jours par nature`}
                    chart={(labelId) => (
                      <Bar
                        id="chart-deadlines"
                        role="img"
                        aria-labelledby={labelId}
                        data={{
                          labels: deadlines.byKind.map(([k]) => label(DEADLINES, k)),
                          datasets: [
                            { label: 'Échéances', data: deadlines.byKind.map(([, n]) => n), backgroundColor: CHART_COLORS.primary },
                          ],
                        }}
                        options={{
                          indexAxis: 'y',
                          maintainAspectRatio: false,
                          plugins: { legend: { display: false } },
                          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
                          onClick: onBar((i) => navigate(`/echeances?jours=${NEXT_DAYS}&echeance=${deadlines.byKind[i]![0]}`)),
                        }}
                      />
                    )}
                    table={
                      <DataTable
                        caption={`Échéances des ${NEXT_DAYS} prochains jours par nature`}
                        captionHidden
                        headers={['Échéance', 'Nombre']}
                        rows={deadlines.byKind.map(([k, n]) => [
                          <Link to={`/echeances?jours=${NEXT_DAYS}&echeance=${k}`}>{label(DEADLINES, k)}</Link>,
                          n,
                        ])}
                      />
                    }
                  />
                )}
                {deadlines.total > deadlines.counted && (
                  <p className="fr-text--sm">
                    Compté sur les {count(deadlines.counted, 'première échéance', 'premières échéances')} ({deadlines.total} en tout).
                  </p>
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
