import { PARAMETERS } from '../../config/parameters';
import { isTimeZone } from './zoned-time';

/**
 * The time zone of a centre's seat (DOMAIN.md, "Time conventions": a deadline "by D" passes at the end of D there,
 * and every date shown for a centre is a date in that zone). Pure.
 */

/** Overseas departments (and collectivities) by INSEE code; every other department is in metropolitan France. */
const OVERSEAS_TIME_ZONES: ReadonlyMap<string, string> = new Map([
  ['971', 'America/Guadeloupe'],
  ['972', 'America/Martinique'],
  ['973', 'America/Cayenne'],
  ['974', 'Indian/Reunion'],
  ['976', 'Indian/Mayotte'],
  ['975', 'America/Miquelon'],
  ['977', 'America/St_Barthelemy'],
  ['978', 'America/Marigot'],
  ['986', 'Pacific/Wallis'],
  ['987', 'Pacific/Tahiti'],
  ['988', 'Pacific/Noumea'],
]);

const METROPOLITAN_FRANCE = 'Europe/Paris';

export interface CentreSeat {
  /** INSEE department code of the seat ('75', '2A', '971'…), null when unknown or abroad. */
  department?: string | null;
  /** APP-8: a centre outside France. */
  foreign?: boolean | null;
  /** The zone recorded for the centre (IANA name), if any. */
  timeZone?: string | null;
}

/**
 * The IANA zone of a centre's seat: its recorded zone when valid; else its department's (971 America/Guadeloupe,
 * 972 America/Martinique, 973 America/Cayenne, 974 Indian/Reunion, 976 Indian/Mayotte, others Europe/Paris);
 * a centre abroad (APP-8) or without a department has Pix's head-office zone.
 */
export function centreTimeZone({ department, foreign, timeZone }: CentreSeat): string {
  if (isTimeZone(timeZone)) return timeZone;
  if (foreign || !department) return PARAMETERS.agrement.timeZone;
  return OVERSEAS_TIME_ZONES.get(department.trim()) ?? METROPOLITAN_FRANCE;
}
