import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import { PARAMETERS } from '../../config/parameters';
import { isIsoDate } from '../domain/dates';
import { readDateInput } from '../domain/notification';
import { isTimeZone } from '../domain/zoned-time';

/**
 * The one ajv set-up of the engine: the API's request bodies (src/http/validation.ts) and the e-mails' template
 * data (src/mail/infra/template-data.ts) are JSON Schemas checked with the same formats.
 *
 * - `date`: a calendar date within the range the engine accepts (year 0001 or 9999 is a typo, not a date to act on);
 * - `time-zone`: an IANA zone (Europe/Paris, Indian/Reunion…);
 * - `date-or-instant`: what an e-mail shows as a date, a calendar date or an instant (src/shared/domain/notification.ts);
 * - `instant`: an instant only (SES-10: a deadline in hours needs its time).
 */
export function createAjv(options: Pick<Options, 'allErrors'> = {}): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: true, useDefaults: false, allowUnionTypes: true, ...options });
  addFormats(ajv);
  ajv.addFormat('date', {
    type: 'string',
    validate: (value: string) => isIsoDate(value) && value >= PARAMETERS.dates.earliest && value <= PARAMETERS.dates.latest,
  });
  ajv.addFormat('time-zone', { type: 'string', validate: (value: string) => isTimeZone(value) });
  ajv.addFormat('date-or-instant', { type: 'string', validate: (value: string) => readDateInput(value) !== null });
  ajv.addFormat('instant', { type: 'string', validate: (value: string) => readDateInput(value)?.kind === 'instant' });
  return ajv;
}
