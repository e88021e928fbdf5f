import type { ErrorObject, JSONSchemaType, ValidateFunction } from 'ajv';
import { PARAMETERS } from '../config/parameters';
import { InvalidCommand } from '../shared/domain/errors';
import { createAjv } from '../shared/validation/ajv';

// Every date field is a calendar date within the range the engine accepts (format `date`); zones are IANA (`time-zone`).
const ajv = createAjv();

const compiled = new WeakMap<object, ValidateFunction>();

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'required') return [path, (error.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.');
  if (error.keyword === 'additionalProperties') {
    return [path, (error.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.');
  }
  return path || '(body)';
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return 'is not an accepted field';
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'format' && (error.params as { format: string }).format === 'date') {
    return `must be a calendar date (YYYY-MM-DD) between ${PARAMETERS.dates.earliest} and ${PARAMETERS.dates.latest}`;
  }
  if (error.keyword === 'enum') return `must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return error.message ?? 'is invalid';
}

/**
 * Validates a request body against the JSON schema that also documents it (OpenAPI);
 * the first error becomes a 400 naming the field.
 */
export function validateBody<T>(schema: JSONSchemaType<T> | object, body: unknown): T {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(body)) {
    const error = validate.errors![0]!;
    const field = fieldOf(error);
    throw new InvalidCommand(field, `${field} ${describe(error)}`);
  }
  return body as T;
}

/** A table looked up with what a client sent: only its own entries (`constructor` or `__proto__` are not actions). */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A query parameter that must be an integer within bounds (limit, offset, days…); absent: the fallback. */
export function intParam(field: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidCommand(field, `${field} must be an integer from ${min} to ${max}`);
  return n;
}
