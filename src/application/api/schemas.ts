import { APPLICANT_KINDS, ELIGIBILITY_CATEGORIES, NETWORK_TYPES, PIECE_TYPES } from '../domain/application';
import { PARAMETERS } from '../../config/parameters';
import { DEPARTMENT_PATTERN } from '../../shared/domain/regions';

/** JSON schemas of the application API: they validate requests (400 with the field) and document them (OpenAPI). */

const isoDate = { type: 'string', format: 'date', description: 'ISO date (YYYY-MM-DD)' } as const;
const email = { type: 'string', format: 'email', maxLength: 254 } as const;
const text = (max = 500) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const reason = { type: 'string', maxLength: 2000, description: 'Why: recorded in the event log' } as const;

const organisation = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'category', 'email'],
  properties: {
    name: text(300),
    category: { type: 'string', enum: [...ELIGIBILITY_CATEGORIES], description: 'ELIG-1 category' },
    uai: { type: ['string', 'null'], pattern: '^[0-9]{7}[A-Z]$', description: 'UAI code, if any (DOC-1)' },
    department: { type: ['string', 'null'], pattern: DEPARTMENT_PATTERN },
    foreign: { type: 'boolean', default: false, description: 'Outside France (APP-8)' },
    timeZone: {
      type: ['string', 'null'],
      format: 'time-zone',
      maxLength: 64,
      description:
        "IANA zone of the seat (e.g. America/Montreal); default: the department's (971–976 overseas), else Europe/Paris. The agrément's dates are dates there.",
    },
    email,
  },
} as const;

export const createApplicationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'organisation', 'argument', 'referent', 'commitments'],
  properties: {
    kind: { type: 'string', enum: [...APPLICANT_KINDS], description: 'APP-1: individual, network, or DOC-3 higher-education' },
    receivedOn: {
      ...isoDate,
      description: `APP-7: the day Pix received the application, when operations enter a file received earlier (a paper file arriving by post, registered late): its 2-month clock runs from then. Pix operations only; not in the future, at most ${PARAMETERS.application.receivedOnMaxDaysAgo} days ago; default: received now`,
    },
    organisation,
    argument: { ...text(10000), description: 'APP-1: the argued application' },
    referent: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'email'],
      properties: { name: text(200), email, recognisedQualifications: { type: 'boolean' } },
    },
    commitments: {
      type: 'object',
      additionalProperties: false,
      required: [
        'qualifiedTeam',
        'similarServiceReferences',
        'consistentMeans',
        'compliantEnvironment',
        'siteControlProcedures',
        'noReputationalRisk',
        'committedCandidates',
      ],
      properties: {
        qualifiedTeam: { type: 'boolean' },
        similarServiceReferences: { type: 'boolean' },
        consistentMeans: { type: 'boolean' },
        compliantEnvironment: { type: 'boolean' },
        siteControlProcedures: { type: 'boolean' },
        noReputationalRisk: { type: 'boolean' },
        committedCandidates: {
          type: 'integer',
          minimum: 0,
          maximum: 10_000_000,
          description: `ELIG-3/ELIG-5: candidates within 3 years (${PARAMETERS.eligibility.centreCandidates} for a centre, ${PARAMETERS.eligibility.networkCandidates} for a network)`,
        },
        priorNetworkOperation: { type: 'boolean' },
      },
    },
    network: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['type', 'coordinatingEntity', 'members', 'departmentsCovered'],
      properties: {
        type: { type: 'string', enum: [...NETWORK_TYPES] },
        coordinatingEntity: text(300),
        members: {
          type: 'array',
          maxItems: 2000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'category', 'email'],
            properties: {
              name: text(300),
              category: { type: 'string', enum: [...ELIGIBILITY_CATEGORIES] },
              uai: organisation.properties.uai,
              department: organisation.properties.department,
              email,
            },
          },
        },
        departmentsCovered: { type: 'array', uniqueItems: true, maxItems: 101, items: organisation.properties.department },
      },
    },
  },
} as const;

export const submitPiecesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['pieces'],
  properties: {
    reason,
    pieces: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'filename'],
        properties: {
          type: { type: 'string', enum: [...PIECE_TYPES] },
          issuedOn: { ...isoDate, description: 'Date on the document (DOC-1: proof of legal existence < 3 months)' },
          filename: text(300),
        },
      },
    },
  },
} as const;

export const admissibilitySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['decision'],
  properties: {
    decision: { type: 'string', enum: ['admissible', 'incomplete', 'rejected'], description: 'APP-2' },
    conformityVisitRequired: { type: 'boolean', description: 'APP-3' },
    missingPieces: { type: 'array', items: { type: 'string', enum: [...PIECE_TYPES] }, uniqueItems: true },
    reasons: { type: 'array', items: text(2000), maxItems: 20 },
    reason,
  },
} as const;

export const reasonOnlySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { reason },
} as const;

export const conformityVisitSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['on', 'costEur', 'compliant'],
  properties: {
    on: isoDate,
    costEur: {
      type: 'number',
      minimum: 0,
      maximum: 100000,
      description: `APP-3: charged up to ${PARAMETERS.application.conformityVisitCapEur} €`,
    },
    compliant: { type: 'boolean' },
    reason,
  },
} as const;

export const datedSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['on'],
  properties: { on: isoDate, reason },
} as const;

export const grantSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    years: {
      type: 'integer',
      minimum: PARAMETERS.application.grantYears.min,
      maximum: PARAMETERS.application.grantYears.max,
      description: `APP-5: default ${PARAMETERS.application.grantYears.default}; APP-8: at most ${PARAMETERS.application.foreignMaxYears} abroad`,
    },
    referentCount: {
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      description: 'REF-1: the number of référents agreed in the convention; required for a network, 1 (or omitted) for a centre',
    },
    reason,
  },
} as const;

export const attestationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['receivedOn'],
  properties: { receivedOn: { ...isoDate, description: 'APP-6: date the centre received the attestation' }, reason },
} as const;
