import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/** A JSON Schema object as the document holds it (OpenAPI 3.1: JSON Schema 2020-12). */
export type Schema = Record<string, unknown>;

const components = new Map<string, Schema>();

/**
 * A schema shared by several operations, put once under components/schemas and referenced by name
 * (completeDocument adds every one registered here). Returns the reference.
 */
export function component(name: string, schema: Schema): { $ref: string } {
  const known = components.get(name);
  if (known && known !== schema) throw new Error(`OpenAPI component ${name} is defined twice`);
  components.set(name, schema);
  return { $ref: `#/components/schemas/${name}` };
}

/** Every shared schema registered with component(), by name. */
export function registeredComponents(): Record<string, Schema> {
  return Object.fromEntries(components);
}

export interface SuccessOptions {
  /** Default 200; several when the route answers e.g. 201 (created) or 200 (the same again). */
  status?: number | number[];
  description?: string;
  /** The route also answers `?format=csv`: text/csv beside the JSON. */
  csv?: boolean;
  /** Response headers (e.g. Location). */
  headers?: Record<string, { description: string; schema: Schema }>;
}

/**
 * The success answer of a route with its JSON schema, e.g. `@ApiSuccess(applicationView, { status: [201, 200] })`.
 * The schema is what the use case really returns (the contract test checks real answers against it).
 */
export function ApiSuccess(schema: Schema, options: SuccessOptions = {}): MethodDecorator {
  const statuses = Array.isArray(options.status) ? options.status : [options.status ?? 200];
  const content: Record<string, { schema: Schema }> = { 'application/json': { schema } };
  if (options.csv)
    content['text/csv'] = { schema: { type: 'string', description: 'CSV (UTF-8, header line; formula-like cells neutralised)' } };
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: options.description ?? 'OK',
        content,
        ...(options.headers ? { headers: options.headers } : {}),
      } as never),
    ),
  );
}

/** A success answer that is not JSON (HTML, CSV, iCal…), e.g. `@ApiText('text/html')`. */
export function ApiText(contentType: string, options: { status?: number; description?: string } = {}): MethodDecorator {
  return ApiResponse({
    status: options.status ?? 200,
    description: options.description ?? 'OK',
    content: { [contentType]: { schema: { type: 'string' } } },
  } as never);
}

/** Building blocks of response schemas. */
export const s = {
  string: { type: 'string' },
  text: (description: string) => ({ type: 'string', description }),
  nullableString: { type: ['string', 'null'] },
  uuid: { type: 'string', format: 'uuid' },
  date: { type: 'string', description: 'ISO date (YYYY-MM-DD)' },
  nullableDate: { type: ['string', 'null'], description: 'ISO date (YYYY-MM-DD)' },
  dateTime: { type: 'string', description: 'ISO date-time' },
  nullableDateTime: { type: ['string', 'null'], description: 'ISO date-time' },
  integer: { type: 'integer' },
  nullableInteger: { type: ['integer', 'null'] },
  number: { type: 'number' },
  nullableNumber: { type: ['number', 'null'] },
  boolean: { type: 'boolean' },
  strings: { type: 'array', items: { type: 'string' } },
  /** Any JSON object (a nested structure documented elsewhere). */
  object: (description?: string) => ({ type: 'object', ...(description ? { description } : {}) }),
  nullableObject: (description?: string) => ({ type: ['object', 'null'], ...(description ? { description } : {}) }),
  arrayOf: (items: Schema, description?: string) => ({ type: 'array', items, ...(description ? { description } : {}) }),
  /** An object with these properties, all required unless listed in `optional`. */
  obj: (properties: Record<string, Schema>, optional: string[] = []) => ({
    type: 'object',
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    properties,
  }),
  /** A page of a list: total, limit, offset, items. */
  page: (item: Schema) => ({
    type: 'object',
    required: ['total', 'limit', 'offset', 'items'],
    properties: {
      total: { type: 'integer', minimum: 0 },
      limit: { type: 'integer' },
      offset: { type: 'integer' },
      items: { type: 'array', items: item },
    },
  }),
} as const;
