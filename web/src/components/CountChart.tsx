import type { ActiveElement, ChartEvent } from 'chart.js';
import { Bar } from 'react-chartjs-2';
import { Link, useNavigate } from 'react-router-dom';
import { wrapLabel } from '../format/lines';
import { ChartFigure } from './ChartFigure';
import { CHART_COLORS } from './charts';
import { DataTable } from './DataTable';

/** One bar: what it counts, how many, and the list of what it counts (where a click leads). */
export interface CountBar {
  label: string;
  n: number;
  to: string;
}

/**
 * Counts as a bar chart (Chart.js) with its table as text alternative (ChartFigure); each bar, and each row of the
 * table, leads to the list of what it counts.
 */
export function CountChart({
  id,
  caption,
  headers,
  bars,
  horizontal = false,
}: {
  id: string;
  caption: string;
  headers: [string, string];
  bars: CountBar[];
  horizontal?: boolean;
}) {
  const navigate = useNavigate();
  const valueAxis = { beginAtZero: true, ticks: { precision: 0 } };
  return (
    <ChartFigure
      caption={caption}
      chart={(labelId) => (
        <Bar
          id={id}
          role="img"
          aria-labelledby={labelId}
          data={{
            labels: bars.map((b) => (horizontal ? wrapLabel(b.label) : b.label)),
            datasets: [{ label: headers[1], data: bars.map((b) => b.n), backgroundColor: CHART_COLORS.primary }],
          }}
          options={{
            indexAxis: horizontal ? 'y' : 'x',
            maintainAspectRatio: false,
            plugins: { legend: { display: false } },
            // A click anywhere in a bar's column (or row) counts: a short bar is as easy to reach as a tall one.
            interaction: { mode: 'index', intersect: false },
            scales: horizontal ? { x: valueAxis } : { y: valueAxis },
            onClick: (_: ChartEvent, elements: ActiveElement[]) => {
              const bar = elements[0] && bars[elements[0].index];
              if (bar) navigate(bar.to);
            },
          }}
        />
      )}
      table={
        <DataTable caption={caption} captionHidden headers={headers} rows={bars.map((b) => [<Link to={b.to}>{b.label}</Link>, b.n])} />
      }
    />
  );
}
