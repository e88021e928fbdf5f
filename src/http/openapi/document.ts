import { type INestApplication, ParseUUIDPipe } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_RULES } from '../actor';
import { ERROR_SCHEMA_NAME, errorResponse, type ErrorStatus, errorSchema } from './errors';
import { registeredComponents } from './responses';

const MUTATING = ['post', 'put', 'patch', 'delete'];

/** The Idempotency-Key header as every mutating operation takes it (src/http/idempotency.interceptor.ts). */
export const idempotencyKeyHeader = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: IDEMPOTENCY_KEY_RULES,
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,200}$', minLength: 8, maxLength: 200 },
} as const;

/**
 * Issue 12: the OpenAPI 3.1 document of the API, served at /docs (JSON at /docs-json). Controllers declare
 * their success schemas (ApiSuccess) and the errors particular to them (ApiErrors); completeDocument adds
 * what every route of a kind shares.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Pix — moteur des agréments des centres de certification')
    .setDescription(
      'Application procedure (APP-1..8), eligibility (ELIG-1..5) and dossier (DOC-1..4) rules. ' +
        'Errors share one schema (`Error`): 400 names the field, 401 a missing or invalid bearer token, 403 the action and the roles allowed, ' +
        '404 an unknown id, 405 a method the path does not take (with `Allow`), 409 the rule that forbids the transition, 413 a body too large, ' +
        '422 rules failing as a whole or a reused Idempotency-Key, 429 too many requests and 503 a dependency down (both with `Retry-After`). ' +
        'Idempotency-Key (any POST, PUT, PATCH, DELETE): 8–200 characters of [A-Za-z0-9._:-], new for each request, kept for good (no expiry); ' +
        'the same request again with it is applied once, another request with it is refused with 422 ("used for another request").',
    )
    // DATA-3: bearer tokens in the Authorization header, never in URLs. Opaque random strings, not JWTs.
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'pix_<opaque>',
      description: 'API token: an opaque random string `pix_…` (stored hashed, revocable), issued with `npm run token`',
    })
    .setVersion('0.1.0')
    .build();
  return completeDocument(SwaggerModule.createDocument(app, config), uuidPathParameters(app));
}

/**
 * The path parameters each route validates with ParseUUIDPipe (400 otherwise), by operation id
 * (`<Controller>_<method>`, @nestjs/swagger's default): the document gives them `format: uuid`, read from
 * the routes themselves so that no route can forget it.
 */
export function uuidPathParameters(app: INestApplication): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller?.prototype) continue;
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        const args: Record<string, { data?: unknown; pipes?: unknown[] }> | undefined = Reflect.getMetadata(
          ROUTE_ARGS_METADATA,
          controller,
          method,
        );
        for (const [key, arg] of Object.entries(args ?? {})) {
          if (key.split(':')[0] !== String(RouteParamtypes.PARAM) || typeof arg.data !== 'string') continue;
          if (!(arg.pipes ?? []).some((pipe) => pipe instanceof ParseUUIDPipe || pipe === ParseUUIDPipe)) continue;
          const id = `${controller.name}_${method}`;
          found.set(id, (found.get(id) ?? new Set()).add(arg.data));
        }
      }
    }
  }
  return found;
}

type Operation = {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[];
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, { description?: string; content?: unknown }>;
};

/**
 * What every route of a kind answers, added to each operation: 401 and 429 (failed authentications) and 503
 * on authenticated routes; 400 where there is input (parameters, body); 413 and 415 with a body; the
 * Idempotency-Key header and its 422 on mutating routes. Every error response gets the shared Error schema.
 */
export function completeDocument(doc: OpenAPIObject, uuidParameters: Map<string, Set<string>> = new Map()): OpenAPIObject {
  doc.components = {
    ...doc.components,
    schemas: {
      ...doc.components?.schemas,
      [ERROR_SCHEMA_NAME]: errorSchema as never,
      ...(registeredComponents() as Record<string, never>),
    },
  };
  for (const item of Object.values(doc.paths)) {
    for (const [method, op] of Object.entries(item) as [string, Operation][]) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      const uuids = uuidParameters.get(op.operationId ?? '');
      for (const p of op.parameters ?? []) {
        if (p.in === 'path' && uuids?.has(p.name)) p.schema = { ...p.schema, type: 'string', format: 'uuid' };
      }
      const add = (status: ErrorStatus) => {
        op.responses[status] ??= errorResponse(status) as never;
      };
      if (MUTATING.includes(method)) {
        op.parameters = (op.parameters ?? []).filter((p) => !(p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'));
        op.parameters.push({ ...idempotencyKeyHeader });
        add(422);
      }
      if (op.security?.length) {
        add(401);
        add(429);
        add(503);
      }
      if (op.parameters?.length || op.requestBody) add(400);
      if (op.requestBody) {
        add(413);
        add(415);
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400 && !response.content)
          op.responses[status] = { ...errorResponse(Number(status) as ErrorStatus), description: response.description ?? '' } as never;
      }
    }
  }
  return doc;
}
