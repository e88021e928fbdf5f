import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { type ReactNode, useEffect } from 'react';
import type { Loaded } from '../api/use-api';

export const MAIN_ID = 'contenu';
const APP_TITLE = 'Pix — Agréments des centres de certification';

/**
 * One screen: its title (the document's too, RGAA 8.6), its data, and the contract readers and tests wait on:
 * the main region is aria-busy while loading, and says which address it shows (data-rendered) once drawn.
 */
export function Screen<T>({ title, loaded, children }: { title: string; loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  useEffect(() => {
    document.title = `${title} — ${APP_TITLE}`;
  }, [title]);

  useEffect(() => {
    const main = document.getElementById(MAIN_ID);
    if (!main) return;
    main.setAttribute('aria-busy', String(loaded.status === 'loading'));
    if (loaded.status === 'loading') delete main.dataset.rendered;
    else main.dataset.rendered = window.location.hash;
  });

  return (
    <>
      <h1>{title}</h1>
      {loaded.status === 'loading' && <p className="fr-text--sm">Chargement…</p>}
      {loaded.status === 'error' && (
        <Alert severity="error" title="Impossible d’afficher cette page" description={loaded.error.message} small={false} />
      )}
      {loaded.status === 'ready' && children(loaded.data)}
    </>
  );
}
