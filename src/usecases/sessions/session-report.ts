import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { InvalidCommand } from '../../domain/errors';
import { BILLING_MODES, FREE_OF_CHARGE_REASONS, type Invigilator, SESSION_PUBLICS, type Session } from '../../domain/sessions/session';

type SesFiveLists = 'trainedCandidateIds' | 'relativeCandidateIds' | 'subordinateCandidateIds';

/**
 * One session as Pix Certif reports it (SES-1): the body of POST /sessions and each item of an import.
 * DATA-1: candidates carry the personal data the convention allows and nothing more; any other
 * property is refused. The centre's kind is not reported: it comes from the organisation.
 */
export type SessionReport = Omit<Session, 'centreKind' | 'centrePublicEstablishment' | 'centreHigherEducation' | 'centreEducationMinistriesPublic' | 'centreId' | 'finalisation' | 'invigilators'> & {
  organisationId: string;
  /** SES-5 declarations are optional: none declared means no conflict. */
  invigilators: Array<Omit<Invigilator, SesFiveLists> & Partial<Pick<Invigilator, SesFiveLists>>>;
  status?: 'planned' | 'cancelled' | 'finalised';
  cancellation?: { reason: string };
  finalisation?: NonNullable<Session['finalisation']> & { candidatesWhoSat: number };
};

const text = (max = 500) => ({ type: 'string', minLength: 1, maxLength: max });
const nullableText = (max = 500) => ({ type: ['string', 'null'], maxLength: max });
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' };
const time = { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' };
const ids = { type: 'array', items: text(64), maxItems: 500 };
const candidateId = { type: ['string', 'null'], maxLength: 64 };

export const SESSION_REPORT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'organisationId', 'date', 'startTime', 'endTime', 'timeZone', 'address', 'room', 'thirdPartyVenue', 'invigilators', 'public', 'plannedOn', 'spareComputers', 'candidates'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
    organisationId: { type: 'string', format: 'uuid' },
    date,
    startTime: time,
    endTime: time,
    timeZone: text(64),
    address: text(),
    room: text(200),
    thirdPartyVenue: { type: 'boolean' },
    thirdPartyVenueDetails: nullableText(),
    invigilators: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['lastName', 'firstName', 'referent'],
        properties: {
          lastName: text(100),
          firstName: text(100),
          referent: { type: 'boolean' },
          trainedCandidateIds: ids,
          relativeCandidateIds: ids,
          subordinateCandidateIds: ids,
        },
      },
    },
    public: { type: 'string', enum: [...SESSION_PUBLICS] },
    plannedOn: date,
    publicInformation: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['equipment', 'registrationTerms', 'contact'],
      properties: { equipment: nullableText(), registrationTerms: nullableText(), contact: nullableText() },
    },
    minimumCandidates: { type: ['integer', 'null'], minimum: 0, maximum: 1000 },
    confirmation: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['decision', 'notifiedOn'],
      properties: { decision: { type: 'string', enum: ['confirmed', 'cancelled'] }, notifiedOn: date },
    },
    spareComputers: { type: 'integer', minimum: 0, maximum: 1000 },
    candidates: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['localId', 'lastName', 'firstName', 'birthDate', 'extraTimePercent', 'staffOfCentre', 'billing', 'certifiableCompetences', 'previousSessionDate'],
        properties: {
          localId: text(64),
          lastName: text(100),
          firstName: text(100),
          birthDate: date,
          birthPlace: text(200),
          extraTimePercent: { type: 'number', minimum: 0, maximum: 100 },
          staffOfCentre: { type: 'boolean' },
          billing: {
            type: 'object',
            additionalProperties: false,
            required: ['mode'],
            properties: {
              mode: { type: 'string', enum: [...BILLING_MODES] },
              agreedPriceEur: { type: ['number', 'null'], minimum: 0, maximum: 10_000 },
              reason: { type: ['string', 'null'], enum: [...FREE_OF_CHARGE_REASONS, null] },
            },
          },
          certifiableCompetences: { type: 'integer', minimum: 0, maximum: 16 },
          previousSessionDate: { anyOf: [date, { type: 'null' }] },
        },
      },
    },
    status: { type: 'string', enum: ['planned', 'cancelled', 'finalised'] },
    cancellation: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: text(1000) } },
    finalisation: {
      type: 'object',
      additionalProperties: false,
      required: ['finalisedAt', 'candidatesWhoSat'],
      properties: {
        finalisedAt: { type: 'string', format: 'date-time' },
        candidatesWhoSat: { type: 'integer', minimum: 0, maximum: 1000 },
        incidents: {
          type: 'array',
          maxItems: 1000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['candidateLocalId', 'description', 'attributableToCentre'],
            properties: { candidateLocalId: candidateId, description: text(2000), attributableToCentre: { type: 'boolean' } },
          },
        },
        fraudReports: {
          type: 'array',
          maxItems: 1000,
          items: { type: 'object', additionalProperties: false, required: ['candidateLocalId', 'description'], properties: { candidateLocalId: text(64), description: text(2000) } },
        },
        endOfTestChecks: {
          type: 'array',
          maxItems: 1000,
          items: { type: 'object', additionalProperties: false, required: ['candidateLocalId', 'finding'], properties: { candidateLocalId: text(64), finding: text(500) } },
        },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(SESSION_REPORT_SCHEMA);

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra = error.keyword === 'required' ? (error.params as { missingProperty: string }).missingProperty : error.keyword === 'additionalProperties' ? (error.params as { additionalProperty: string }).additionalProperty : '';
  return [path, extra].filter(Boolean).join('.') || '(body)';
}

/** Validates a report; the first problem becomes InvalidCommand naming the field path (e.g. candidates.3.birthDate). */
export function parseSessionReport(raw: unknown): SessionReport {
  if (!validate(raw)) {
    const error = validate.errors![0]!;
    const field = fieldOf(error);
    const why =
      error.keyword === 'additionalProperties'
        ? 'is not an accepted field (DATA-1: nothing else is collected)'
        : error.keyword === 'required'
          ? 'is required'
          : error.keyword === 'enum'
            ? `must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
            : (error.message ?? 'is invalid');
    throw new InvalidCommand(field, `${field} ${why}`);
  }
  const r = raw as unknown as SessionReport;
  const status = r.status ?? 'planned';
  if (status === 'cancelled' && !r.cancellation) throw new InvalidCommand('cancellation', 'cancellation.reason is required for a cancelled session');
  if (status === 'finalised' && !r.finalisation) throw new InvalidCommand('finalisation', 'finalisation is required for a finalised session (SES-10)');
  if (status !== 'finalised' && r.finalisation) throw new InvalidCommand('finalisation', 'finalisation is only for a finalised session');
  if (r.finalisation && r.finalisation.candidatesWhoSat > r.candidates.length) {
    throw new InvalidCommand('finalisation.candidatesWhoSat', `finalisation.candidatesWhoSat (${r.finalisation.candidatesWhoSat}) exceeds the ${r.candidates.length} registered candidates (QUO-3)`);
  }
  const localIds = new Set<string>();
  for (const [i, c] of r.candidates.entries()) {
    if (localIds.has(c.localId)) throw new InvalidCommand(`candidates.${i}.localId`, `candidates.${i}.localId ${c.localId} appears twice`);
    localIds.add(c.localId);
    if (c.billing.mode === 'funded-cohort' && !('agreedPriceEur' in c.billing)) {
      throw new InvalidCommand(`candidates.${i}.billing.agreedPriceEur`, `candidates.${i}.billing.agreedPriceEur is required for a funded cohort (PRI-2; null when not recorded)`);
    }
    if (c.billing.mode === 'free-of-charge' && !('reason' in c.billing)) {
      throw new InvalidCommand(`candidates.${i}.billing.reason`, `candidates.${i}.billing.reason is required for a free-of-charge candidate (PRI-3; null when not given)`);
    }
  }
  return { ...r, status };
}
