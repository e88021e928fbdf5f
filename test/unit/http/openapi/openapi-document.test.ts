import type { INestApplication } from '@nestjs/common';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../../src/http/create-app';
import type { ApplicationDeps } from '../../../../src/shared/usecases/dependencies';
import { buildOpenApiDocument } from '../../../../src/http/openapi/index';

/**
 * Issue 12: the OpenAPI document (served at /docs-json) is valid OpenAPI 3.1 and documents every answer:
 * built from the controllers alone (no request reaches a use case here).
 */
type Op = {
  parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[];
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
};
let app: INestApplication;
let doc: Record<string, any>;
const operations: [string, Op][] = [];

beforeAll(async () => {
  app = await createApp({ applications: {} as ApplicationDeps, mailCapture: {} as never }, { logger: false });
  await app.init();
  doc = JSON.parse(JSON.stringify(buildOpenApiDocument(app)));
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Op>>)) {
    for (const [method, op] of Object.entries(item)) operations.push([`${method.toUpperCase()} ${path}`, op]);
  }
});

afterAll(async () => {
  await app?.close();
});

describe('the OpenAPI document (issue 12)', () => {
  it('is valid OpenAPI 3.1 (checked against the OpenAPI schema)', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(operations.length).toBeGreaterThan(70);
  });

  it('every operation documents a success answer with a schema (JSON, or its content type: CSV, text)', () => {
    const missing = operations.filter(([, op]) => {
      const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      return success.length === 0 || success.some(([, r]) => !r.content || Object.values(r.content).some((c) => !c.schema));
    });
    expect(missing.map(([name]) => name)).toEqual([]);
  });

  it('every error answer has the shared Error schema; authenticated routes document 401, 429, 503; routes with input 400', () => {
    for (const [name, op] of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400 || name.includes('/health')) continue;
        expect(response.content?.['application/json']?.schema, `${name} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
      if (op.security?.length) expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(['401', '429', '503']));
      if (op.parameters?.length || op.requestBody) expect(Object.keys(op.responses), name).toContain('400');
    }
    expect(doc.components.schemas.Error.required).toEqual(['statusCode', 'message']);
  });

  it('query parameters are optional except the period of GET /visit-plans; path parameters required', () => {
    const required = operations.flatMap(([name, op]) =>
      (op.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => `${name} ${p.name}`),
    );
    expect(required).toEqual(['GET /visit-plans from', 'GET /visit-plans to']);
    const headers = operations.flatMap(([name, op]) =>
      (op.parameters ?? []).filter((p) => p.in === 'header' && p.required).map((p) => `${name} ${p.name}`),
    );
    expect(headers).toEqual([]);
  });

  it('path parameters validated as UUIDs (ParseUUIDPipe or in the controller) are documented `format: uuid`; the others say what they take', () => {
    const path = operations.flatMap(([name, op]) =>
      (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => [`${name} ${p.name}`, p.schema ?? {}] as const),
    );
    const notUuid = path.filter(([, schema]) => schema.format !== 'uuid').map(([name]) => name);
    // Session ids are the centres' own (SES-1); rule-set ids read e.g. sessions@2020-01; school years and types per SCO-2.
    expect(notUuid.sort()).toEqual(
      [
        'POST /agrements/{id}/actions/{action} action',
        'PUT /sessions/{id} id',
        'GET /sessions/{id} id',
        'POST /sessions/{id}/cancel id',
        'POST /sessions/{id}/finalise id',
        'POST /sessions/{id}/remedy id',
        'GET /rule-sets/{id} id',
        'PUT /campaign-windows/{schoolYear}/{schoolType} schoolYear',
        'PUT /campaign-windows/{schoolYear}/{schoolType} schoolType',
        'GET /campaign-windows/{schoolYear}/derogations schoolYear',
        'PUT /campaign-windows/{schoolYear}/derogations/{organisationId} schoolYear',
      ].sort(),
    );
    expect(path.filter(([, schema]) => schema.format === 'uuid').length).toBeGreaterThan(40);
    expect(Object.fromEntries(path)['POST /users/{id}/tokens/{tokenId}/revoke tokenId']).toMatchObject({ type: 'string', format: 'uuid' });
    expect(Object.fromEntries(path)['PUT /campaign-windows/{schoolYear}/{schoolType} schoolYear']).toMatchObject({
      pattern: '^\\d{4}-\\d{4}$',
    });
    expect(Object.fromEntries(path)['PUT /campaign-windows/{schoolYear}/{schoolType} schoolType'].enum).toContain('college');
  });

  it('the bearer scheme is an opaque pix_ token, not a JWT', () => {
    const scheme = doc.components.securitySchemes.bearer;
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(scheme.bearerFormat).not.toMatch(/jwt/i);
    expect(scheme.description).toContain('pix_');
  });

  it('every mutating operation documents the Idempotency-Key header with its rules, and its 422; reads do not take it', () => {
    for (const [name, op] of operations) {
      const header = (op.parameters ?? []).find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      if (/^(POST|PUT|PATCH|DELETE) /.test(name)) {
        expect(header?.schema, name).toMatchObject({ type: 'string', minLength: 8, maxLength: 200, pattern: '^[A-Za-z0-9._:-]{8,200}$' });
        expect(Object.keys(op.responses), name).toContain('422');
      } else {
        expect(header, name).toBeUndefined();
      }
    }
    expect(doc.info.description).toMatch(/kept for good/);
  });
});
