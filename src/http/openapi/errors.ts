import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/**
 * Issue 12: the one shape of every error the API answers (src/http/domain-error.filter.ts, body-parsing.ts,
 * security/throttling.ts, security/method-not-allowed.ts, idempotency.interceptor.ts). `statusCode` and
 * `message` always; the other fields by status: `field` (400), `action` and `allowedRoles` (403), `rule` (409),
 * `rules` and `failures` (422, session rules), `dependency` or `reason` (503).
 */
export const errorSchema = {
  type: 'object',
  required: ['statusCode', 'message'],
  properties: {
    statusCode: { type: 'integer', minimum: 400, maximum: 599 },
    error: { type: 'string', description: 'The HTTP reason phrase' },
    message: { type: 'string', description: 'What is wrong, for a person to read' },
    field: {
      type: ['string', 'null'],
      description: '400: the field at fault (dotted path, `(body)`, a query or path parameter, a header)',
    },
    action: { type: 'string', description: '403: the action refused' },
    allowedRoles: { type: 'array', items: { type: 'string' }, description: '403: the roles that may take it' },
    rule: { type: 'string', description: '409: the rule that forbids it (e.g. SUS-2)' },
    rules: { type: 'array', items: { type: 'string' }, description: '422: every failing rule' },
    failures: { type: 'array', items: { type: 'object' }, description: '422: each failing rule with the actual and expected values' },
    dependency: {
      type: 'string',
      description:
        '503: what cannot be reached (database, temporal), or `simulator`: what-if is not installed in this deployment (docs/adr/0004)',
    },
    reason: {
      type: 'string',
      description: '503: `concurrent-update`: PostgreSQL undid the request for another changing the same data at the same moment',
    },
    details: { description: 'More about the error (ids, rule ids, the first request of a reused Idempotency-Key…)' },
  },
} as const;

export const ERROR_SCHEMA_NAME = 'Error';
export const errorRef = { $ref: `#/components/schemas/${ERROR_SCHEMA_NAME}` } as const;

/** What each error status means in this API: the descriptions of the document. */
export const ERROR_DESCRIPTIONS = {
  400: 'Invalid input: `field` names the body field, query or path parameter or header at fault',
  401: 'No valid bearer token (WWW-Authenticate: Bearer)',
  403: 'The role may not take this action: `action` and `allowedRoles`',
  404: 'Unknown id, or not visible to the caller (answered as if unknown)',
  409: 'A rule forbids it now: `rule` names it',
  413: 'The body exceeds the size limit',
  415: 'Unsupported body encoding or charset',
  422: 'Refused as a whole: failing rules (`rules`, `failures`), or an Idempotency-Key already used for another request',
  429: 'Too many requests (failed authentications from this address, or calls to an expensive endpoint): retry after `Retry-After` seconds',
  503: 'PostgreSQL or Temporal unreachable (`dependency`), or the request undone for a concurrent one (`reason`): retry after `Retry-After` seconds, with the same Idempotency-Key',
} as const;

export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** The error response of one status, in the document (the description may be made precise per route). */
export function errorResponse(status: ErrorStatus, description: string = ERROR_DESCRIPTIONS[status]) {
  const headers =
    status === 429 || status === 503
      ? { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } } }
      : status === 401
        ? { 'WWW-Authenticate': { description: 'Bearer realm="pix-agrement"', schema: { type: 'string' } } }
        : undefined;
  return { description, content: { 'application/json': { schema: errorRef } }, ...(headers ? { headers } : {}) };
}

/**
 * The errors a route (or every route of a controller) can answer besides those every route shares, which
 * the document adds itself (see completeDocument): e.g. `@ApiErrors(404, 409)`. Each with the shared
 * Error schema; a precise description may be given as `[409, 'SUS-2: …']`.
 */
export function ApiErrors(...statuses: (ErrorStatus | [ErrorStatus, string])[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((s) => {
      const [status, description] = Array.isArray(s) ? s : [s, undefined];
      return ApiResponse({ status, ...errorResponse(status, description) } as never);
    }),
  );
}
