import { type ReactNode, useId } from 'react';

/**
 * A chart with its text alternative (RGAA 1.2, 1.6): the canvas is an image named by the figure's caption,
 * and the same numbers are given as a table a screen reader (or anyone) can read.
 */
export function ChartFigure({ caption, chart, table }: { caption: string; chart: (labelId: string) => ReactNode; table: ReactNode }) {
  const id = useId();
  return (
    <figure className="fr-my-4w chart-figure">
      <figcaption id={id} className="fr-h6">
        {caption}
      </figcaption>
      <div className="chart-canvas">{chart(id)}</div>
      <details className="fr-mt-1w">
        <summary>Voir les données du graphique</summary>
        {table}
      </details>
    </figure>
  );
}
