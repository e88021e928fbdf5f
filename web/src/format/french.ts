/** French as people read it on the page (issue 14): plurals and dates. */
import { PARAMETERS } from '../../../src/config/parameters';
import { frenchDate, frenchDateIn, frenchDateTimeIn } from '../../../src/shared/domain/french-dates';
import { dateIn } from '../../../src/shared/domain/zoned-time';

/** Instants are shown in metropolitan time, the default zone of agréments. */
const PARIS = PARAMETERS.agrement.timeZone;

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

/** A calendar date (YYYY-MM-DD) as is, or an instant's date in Paris: "1er octobre 2026" (src/shared/domain/french-dates.ts, as the e-mails write it). */
export function dateFr(iso: string | null | undefined): string {
  if (!iso) return '';
  return iso.length === 10 ? frenchDate(iso) : frenchDateIn(new Date(iso), PARIS);
}

/** An instant as "1er octobre 2026 à 14 h 05" (Paris time). */
export function dateTimeFr(iso: string | null | undefined): string {
  if (!iso) return '';
  return frenchDateTimeIn(new Date(iso), PARIS);
}

/** Today's date in Paris (YYYY-MM-DD), to compare with the API's calendar dates. */
export function todayInParis(): string {
  return dateIn(new Date(), PARIS);
}

/** A month (YYYY-MM) as "octobre 2026". */
export function monthFr(month: string): string {
  return new Date(`${month}-01T12:00:00Z`).toLocaleDateString('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}
