import { Line } from 'react-chartjs-2';
import { PARAMETERS } from '../../../src/config/parameters';
import { dateFr } from '../format/french';
import { ChartFigure } from './ChartFigure';
import { CHART_COLORS } from './charts';
import { DataTable } from './DataTable';

const YEAR_MS = 365.25 * 24 * 60 * 60 * 1000;

type Event = { type: string; at: string; data: unknown };

/** QUO-1: the candidates counted so far against the 3-year commitment (600 for a centre, 2,500 for a network). */
export function QuotaChart({
  kind,
  firstGrantOn,
  candidates,
  timeline,
}: {
  kind: string;
  firstGrantOn: string;
  candidates: number;
  timeline: Event[];
}) {
  const target = kind === 'network' ? PARAMETERS.eligibility.networkCandidates : PARAMETERS.eligibility.centreCandidates;
  const start = Date.parse(firstGrantOn);
  const end = start + 3 * YEAR_MS;
  const counted = timeline.flatMap((e) => {
    const data = (e.data ?? {}) as { total?: unknown; counted?: unknown };
    return e.type === 'sessions-finalised' && data.counted !== false && typeof data.total === 'number'
      ? [{ on: e.at, candidates: data.total }]
      : [];
  });
  const rows = [{ on: firstGrantOn, candidates: 0 }, ...counted];
  const points = rows.map((r) => ({ x: Date.parse(r.on), y: r.candidates }));
  const caption = `Rythme du quota : ${candidates.toLocaleString('fr-FR')} candidats sur ${target.toLocaleString('fr-FR')} à 3 ans`;
  return (
    <ChartFigure
      caption={caption}
      chart={(labelId) => (
        <Line
          id="quota-chart"
          role="img"
          aria-labelledby={labelId}
          data={{
            datasets: [
              {
                label: 'Candidats comptés',
                data: points,
                borderColor: CHART_COLORS.primary,
                backgroundColor: CHART_COLORS.primary,
                stepped: true,
              },
              {
                label: `Rythme attendu (${target} à 3 ans)`,
                data: [
                  { x: start, y: 0 },
                  { x: end, y: target },
                ],
                borderColor: CHART_COLORS.secondary,
                borderDash: [6, 4],
                pointRadius: 0,
              },
            ],
          }}
          options={{
            maintainAspectRatio: false,
            scales: {
              x: {
                type: 'linear',
                min: start,
                max: end,
                ticks: { callback: (v) => dateFr(new Date(Number(v)).toISOString()), maxTicksLimit: 4 },
              },
              y: { beginAtZero: true, suggestedMax: target, ticks: { precision: 0 } },
            },
          }}
        />
      )}
      table={
        <DataTable
          caption={caption}
          captionHidden
          headers={['Date', 'Candidats comptés']}
          rows={rows.map((r) => [dateFr(r.on), r.candidates.toLocaleString('fr-FR')])}
        />
      }
    />
  );
}
