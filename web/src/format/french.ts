/** French as people read it on the page (issue 14): plurals and dates. */

const PARIS = 'Europe/Paris';

/**
 * "1 centre actif", "2 centres actifs", "0 centre actif": French takes the singular for 0 and 1.
 * `plural` defaults to the singular with an s on every word ("centre actif" → "centres actifs").
 */
export function count(n: number, singular: string, plural?: string): string {
  const words =
    n <= 1
      ? singular
      : (plural ??
        singular
          .split(' ')
          .map((w) => (/[sxz]$/.test(w) ? w : `${w}s`))
          .join(' '));
  return `${n.toLocaleString('fr-FR')} ${words}`;
}

/** A calendar date (YYYY-MM-DD) or an instant, as "30 novembre 2026" (Paris time). */
export function dateFr(iso: string | null | undefined): string {
  if (!iso) return '';
  const when = new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso);
  return when.toLocaleDateString('fr-FR', { timeZone: PARIS, day: 'numeric', month: 'long', year: 'numeric' });
}

/** An instant as "30 novembre 2026 à 14:05" (Paris time). */
export function dateTimeFr(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString('fr-FR', {
    timeZone: PARIS,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}
