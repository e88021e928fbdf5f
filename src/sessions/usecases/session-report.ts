import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { InvalidCommand } from '../../shared/domain/errors';
import {
  BILLING_MODES,
  FREE_OF_CHARGE_REASONS,
  type Invigilator,
  SESSION_PUBLICS,
  type Session,
  type SessionCandidate,
} from '../domain/session';

type SesFiveLists = 'trainedCandidateIds' | 'relativeCandidateIds' | 'subordinateCandidateIds';

/**
 * DATA-1, our reading of Conv annexe 3 art. 6 (candidates: « nom, prénom, date de naissance, lieu de
 * naissance, email de convocation, identifiant local au prescripteur (le cas échéant), temps majoré, nom du
 * centre agréé, nom du site, numéro de session, numéro de certification, […] description des incidents
 * […], de la situation de fraude suspectée, constat de fin de test, signature » ; staff: « prénom et nom
 * des surveillants, signature », members: « nom, prénom, identifiant de connexion, rôle »):
 * - required of a candidate: name, first name, birth date only (annexe 3 data every candidate has);
 * - optional: birth place, convocation e-mail (accepted, never used), local id (« le cas échéant »: absent,
 *   the candidate is `#n`, its position in the report, for SES-5 lists and finalisation), extra time
 *   (absent: none);
 * - optional too, as not annexe 3 data: the centre's declarations staff (SES-4, absent: not staff), billing
 *   (PRI-1..3, absent: free candidate at the public price, PRI-1), certifiable competences and previous
 *   session (SES-8, absent: not judged);
 * - invigilators: names required, the référent flag (their role) optional (absent: not the référent);
 * - anything else is refused (additionalProperties: false).
 */
export type ReportedCandidate = Pick<SessionCandidate, 'lastName' | 'firstName' | 'birthDate' | 'birthPlace'> &
  Partial<
    Pick<SessionCandidate, 'localId' | 'extraTimePercent' | 'staffOfCentre' | 'billing' | 'certifiableCompetences' | 'previousSessionDate'>
  > & {
    /** Annexe 3 « email de convocation »: accepted, not used by the engine. */
    email?: string;
  };

/** DATA-1: the candidate's key when the report gives no local id (annexe 3: « le cas échéant »). */
export const positionalCandidateId = (index: number) => `#${index + 1}`;

/** The candidate as the rules see it: what an optional field stands for when absent (see ReportedCandidate). */
export function candidateOf(c: ReportedCandidate, index: number): SessionCandidate {
  return {
    localId: c.localId ?? positionalCandidateId(index),
    lastName: c.lastName,
    firstName: c.firstName,
    birthDate: c.birthDate,
    ...(c.birthPlace === undefined ? {} : { birthPlace: c.birthPlace }),
    extraTimePercent: c.extraTimePercent ?? 0,
    staffOfCentre: c.staffOfCentre ?? false,
    billing: c.billing ?? { mode: 'free-candidate' },
    certifiableCompetences: c.certifiableCompetences ?? null,
    previousSessionDate: c.previousSessionDate ?? null,
  };
}

/**
 * One session as Pix Certif reports it (SES-1): the body of POST /sessions and each item of an import.
 * DATA-1: candidates carry the personal data the convention allows and nothing more; any other
 * property is refused. The centre's kind is not reported: it comes from the organisation.
 */
export type SessionReport = Omit<
  Session,
  | 'centreKind'
  | 'centrePublicEstablishment'
  | 'centreHigherEducation'
  | 'centreEducationMinistriesPublic'
  | 'centreId'
  | 'finalisation'
  | 'invigilators'
  | 'candidates'
> & {
  organisationId: string;
  candidates: ReportedCandidate[];
  /** SES-5 declarations are optional: none declared means no conflict; the référent flag too (absent: false). */
  invigilators: Array<Omit<Invigilator, SesFiveLists | 'referent'> & Partial<Pick<Invigilator, SesFiveLists | 'referent'>>>;
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
  required: [
    'id',
    'organisationId',
    'date',
    'startTime',
    'endTime',
    'timeZone',
    'address',
    'room',
    'thirdPartyVenue',
    'invigilators',
    'public',
    'plannedOn',
    'spareComputers',
    'candidates',
  ],
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
        required: ['lastName', 'firstName'],
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
        // DATA-1: only annexe 3 data every candidate has is required (see ReportedCandidate).
        required: ['lastName', 'firstName', 'birthDate'],
        properties: {
          localId: text(64),
          lastName: text(100),
          firstName: text(100),
          birthDate: date,
          birthPlace: text(200),
          email: { type: 'string', format: 'email', maxLength: 254 },
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
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['candidateLocalId', 'description'],
            properties: { candidateLocalId: text(64), description: text(2000) },
          },
        },
        endOfTestChecks: {
          type: 'array',
          maxItems: 1000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['candidateLocalId', 'finding'],
            properties: { candidateLocalId: text(64), finding: text(500) },
          },
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
  const extra =
    error.keyword === 'required'
      ? (error.params as { missingProperty: string }).missingProperty
      : error.keyword === 'additionalProperties'
        ? (error.params as { additionalProperty: string }).additionalProperty
        : '';
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
  if (status === 'cancelled' && !r.cancellation)
    throw new InvalidCommand('cancellation', 'cancellation.reason is required for a cancelled session');
  if (status === 'finalised' && !r.finalisation)
    throw new InvalidCommand('finalisation', 'finalisation is required for a finalised session (SES-10)');
  if (status !== 'finalised' && r.finalisation) throw new InvalidCommand('finalisation', 'finalisation is only for a finalised session');
  if (r.finalisation && r.finalisation.candidatesWhoSat > r.candidates.length) {
    throw new InvalidCommand(
      'finalisation.candidatesWhoSat',
      `finalisation.candidatesWhoSat (${r.finalisation.candidatesWhoSat}) exceeds the ${r.candidates.length} registered candidates (QUO-3)`,
    );
  }
  const localIds = new Set<string>();
  for (const [i, c] of r.candidates.entries()) {
    const localId = c.localId ?? positionalCandidateId(i);
    if (localIds.has(localId)) throw new InvalidCommand(`candidates.${i}.localId`, `candidates.${i}.localId ${localId} appears twice`);
    localIds.add(localId);
    if (c.billing?.mode === 'funded-cohort' && !('agreedPriceEur' in c.billing)) {
      throw new InvalidCommand(
        `candidates.${i}.billing.agreedPriceEur`,
        `candidates.${i}.billing.agreedPriceEur is required for a funded cohort (PRI-2; null when not recorded)`,
      );
    }
    if (c.billing?.mode === 'free-of-charge' && !('reason' in c.billing)) {
      throw new InvalidCommand(
        `candidates.${i}.billing.reason`,
        `candidates.${i}.billing.reason is required for a free-of-charge candidate (PRI-3; null when not given)`,
      );
    }
  }
  return { ...r, status };
}
