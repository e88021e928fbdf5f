import { PARAMETERS } from '../../config/parameters';
import { ROLES } from '../domain/roles';
import { TOKEN_SCOPES } from '../domain/tokens';

/** Request bodies of the access endpoints (DATA-3), validated and documented from the same schema. */
const reason = { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } as const;
const uuid = { type: 'string', format: 'uuid' } as const;

export const issueTokenSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['label'],
  properties: {
    label: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      pattern: '\\S',
      description: 'What the token is for, e.g. « poste de Claire », « script d’export »',
    },
    lifetimeDays: {
      type: 'integer',
      minimum: 1,
      maximum: PARAMETERS.access.tokenMaxLifetimeDays,
      description: `Days the token lives (default ${PARAMETERS.access.tokenDefaultLifetimeDays}, at most ${PARAMETERS.access.tokenMaxLifetimeDays}: none outlives the annual review, DATA-3)`,
    },
    scope: {
      type: 'string',
      enum: [...TOKEN_SCOPES],
      description:
        'What the token opens (default api). api: the API, as `Authorization: Bearer`, never in a URL. calendar: only the read-only iCalendar feed of deadlines, GET /dashboard/deadlines.ics?token=… (calendar applications send no header); refused everywhere else.',
    },
  },
} as const;

export const reasonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { ...reason, description: 'Why the access is removed (recorded in the event log)' } },
} as const;

export const createUserSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'email', 'role'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 120 },
    email: { type: 'string', minLength: 3, maxLength: 254, description: 'The login: one user per address (DATA-3)' },
    role: { type: 'string', enum: [...ROLES] },
    organisationId: { ...uuid, description: 'Required for a centre or coordinator (its scope); absent for Pix staff' },
  },
} as const;

export const recordReviewSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    notes: { type: 'string', maxLength: 4000, description: 'What was checked (French)' },
    removals: {
      type: 'array',
      maxItems: 1000,
      description: 'Obsolete accesses removed by this review: a user (deactivated, all tokens revoked) or one token (revoked)',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['reason'],
        properties: { userId: uuid, tokenId: uuid, reason },
      },
    },
  },
} as const;
