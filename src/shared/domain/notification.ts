/**
 * Typed notifications (issue 13): the data an e-mail template renders is defined ONCE, as a JSON Schema written
 * as a const object. The TypeScript type derives from it (`FromSchema`, json-schema-to-ts: types only) and so
 * does the runtime check (ajv, in src/mail/infra/template-data.ts), with the same formats as the API's bodies
 * (src/shared/validation/ajv.ts). Pure: a definition imports nothing at run time, so the domain of the context
 * that sends the e-mail holds its templates' definitions and builds their data, type-checked.
 *
 * Conventions the error messages rely on (they name the field: `"daysLeft" must be a non-negative integer`):
 * the fragments below say what a value must be; a property's `description`, when given, is that wording; a list
 * item's `title` names it in the messages (`session 0: "place" must be …`).
 */
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** A calendar date ("2025-01-31") or an instant ("2025-01-31T09:00:00Z", shown in Europe/Paris); a Date is accepted. */
export type DateInput = string | Date;

/** A string with something in it. */
export const text = { type: 'string', pattern: '\\S' } as const;
/** A calendar date or an instant (see DateInput). */
export const dateOrInstant = { type: 'string', format: 'date-or-instant' } as const;
/** An instant only: a deadline in hours needs its time (SES-10). */
export const instant = { type: 'string', format: 'instant' } as const;
/** An IANA time zone (Europe/Paris, Indian/Reunion…): times are shown in the centre's zone. */
export const timeZone = { type: 'string', format: 'time-zone' } as const;
/** A local time of day, "HH:MM". */
export const timeOfDay = { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM' } as const;
/** A finite number (an amount, a duration in the unit its name gives). */
export const finite = { type: 'number' } as const;
/** A whole number, 0 or more (days left, days deducted…). */
export const naturalNumber = { type: 'integer', minimum: 0 } as const;
export const flag = { type: 'boolean' } as const;

/** Shared by the agrément lifecycle templates: every one names the organisation and the agrément ("AGR-3F2A9C1B"). */
export const agrementLetter = { organisationName: text, agrementReference: text } as const;

/** Date fields are typed DateInput: producers may give a Date, which the outbox stores as its ISO string. */
type Deserialize = [
  { pattern: { type: 'string'; format: 'date-or-instant' }; output: DateInput },
  { pattern: { type: 'string'; format: 'instant' }; output: DateInput },
];

/**
 * What a producer passes for a schema: the schema's type, closed (no index signature, so a misspelt field is an
 * excess property, not an unknown one). The runtime check still lets extra fields through, as the templates did.
 */
export type DataOf<S> = S extends JSONSchema ? Closed<FromSchema<S, { deserialize: Deserialize }>> : never;

type Closed<T> = T extends Date
  ? T
  : T extends readonly (infer I)[]
    ? Closed<I>[]
    : T extends object
      ? { [K in keyof T as string extends K ? never : K]: Closed<T[K]> }
      : T;

/**
 * One template's contract. `schema` is the data as the producer passes it (a field the template can take from
 * `defaults` is optional there); `defaults` fills what the producer left out (null or absent), with the sending
 * context's numbers (src/config/parameters.ts: Pix changes them, Conv art. 8), for data queued before the
 * producer passed them (replayed workflow histories, rows already in the outbox); `refine` checks, once the
 * schema holds, what a schema does not say (one field against another), returning the problem or null. Its
 * parameter is typed where it is written: `refine: (data: DataOf<typeof schema>) => …`.
 */
export interface TemplateDefinition {
  readonly schema: object;
  readonly defaults?: Readonly<Record<string, unknown>> | ((data: Readonly<Record<string, unknown>>) => Readonly<Record<string, unknown>>);
  readonly refine?: (data: never) => string | null;
}

/** The data of each template of a set of definitions. */
export type DataOfTemplates<T> = { [N in keyof T]: T[N] extends { schema: infer S } ? DataOf<S> : never };

/** An e-mail to send: a template of the set and its data (a union: `template` decides the type of `data`). */
export type Letter<T, N extends keyof T = keyof T> = { [K in N]: { template: K; data: DataOfTemplates<T>[K] } }[N];

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * A DateInput read: a calendar date ("2025-01-31", a real day of the calendar) is the UTC midnight of that day;
 * an instant ("2025-01-31T09:00:00Z", or a Date) is itself. Null when the value is neither.
 */
export function readDateInput(value: unknown): { kind: 'date' | 'instant'; date: Date } | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : { kind: 'instant', date: value };
  if (typeof value !== 'string') return null;
  const dateOnly = DATE_ONLY.exec(value);
  if (dateOnly) {
    const [y, m, d] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? { kind: 'date', date } : null;
  }
  if (!INSTANT.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : { kind: 'instant', date };
}
