import type { ErrorObject, ValidateFunction } from 'ajv';
import { TEMPLATES, type TemplateName } from '../domain/catalogue';
import type { TemplateDefinition } from '../../shared/domain/notification';
import { createAjv } from '../../shared/validation/ajv';

/**
 * The runtime check of a template's data: its definition's JSON Schema (src/mail/domain/catalogue.ts), with ajv
 * and the engine's formats, then its `refine`. Every problem names its field, as the callers (and the operations'
 * attention list) read it: `"daysLeft" must be a non-negative integer (got -3)`, `training.date …`,
 * `session 0: "place" must be a non-empty string (got "")`.
 */

const ajv = createAjv({ allErrors: true });
const compiled = new Map<TemplateName, ValidateFunction>();

const definition = (name: TemplateName): TemplateDefinition => TEMPLATES[name];

/** The data with its defaults: a field left out (null or absent) takes the value the template's definition gives. */
export function withDefaults(name: TemplateName, data: Record<string, unknown>): Record<string, unknown> {
  const context: Record<string, unknown> = { ...data };
  const defaults = definition(name).defaults;
  for (const [key, value] of Object.entries((typeof defaults === 'function' ? defaults(context) : defaults) ?? {})) {
    if (context[key] == null && value !== undefined) context[key] = value;
  }
  return context;
}

/** The fields a template may be given without (its defaults), and those it renders with (required or defaulted). */
export function defaultedFields(name: TemplateName): string[] {
  const defaults = definition(name).defaults;
  return Object.keys((typeof defaults === 'function' ? defaults({}) : defaults) ?? {});
}

export function requiredFields(name: TemplateName): string[] {
  const required = (definition(name).schema as { required?: readonly string[] }).required ?? [];
  return [...required, ...defaultedFields(name).filter((field) => !required.includes(field))];
}

/** What is wrong with the data (its defaults applied), in order; empty when the template can render it. */
export function templateDataProblems(name: TemplateName, context: Record<string, unknown>): string[] {
  let validate = compiled.get(name);
  if (!validate) {
    validate = ajv.compile(definition(name).schema);
    compiled.set(name, validate);
  }
  // As the outbox stores it (JSON): a Date is its ISO string, an absent value is absent.
  const stored: unknown = JSON.parse(JSON.stringify(context));
  if (!validate(stored)) {
    const problems = new Map<string, string>();
    for (const error of validate.errors ?? []) {
      const problem = problemOf(definition(name).schema, error, context);
      if (problem && !problems.has(problem.path)) problems.set(problem.path, problem.message);
    }
    return problems.size > 0 ? [...problems.values()] : [ajv.errorsText(validate.errors, { dataVar: 'data' })];
  }
  const refined = definition(name).refine?.(stored as never);
  return refined ? [refined] : [];
}

interface Schema {
  type?: string | readonly string[];
  format?: string;
  pattern?: string;
  enum?: readonly unknown[];
  minimum?: number;
  minItems?: number;
  description?: string;
  title?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
}

/** One ajv error as the problem of one field (null for the errors that only repeat another: `if`, `anyOf`…). */
function problemOf(root: object, error: ErrorObject, data: unknown): { path: string; message: string } | null {
  const segments = error.instancePath.split('/').slice(1);
  if (error.keyword === 'required') segments.push((error.params as { missingProperty: string }).missingProperty);
  else if (error.keyword === 'dependencies') {
    const { property, missingProperty } = error.params as { property: string; missingProperty: string };
    return { path: missingProperty, message: `"${property}" and "${missingProperty}" go together: give both or neither` };
  } else if (error.keyword === 'if') return null;
  // The field's schema and value, and the list item it belongs to when that item has a title ("session 0: …").
  let schema: Schema | undefined = root as Schema;
  let value: unknown = data;
  let item: string | null = null;
  let field: string[] = [];
  for (const segment of segments) {
    const list: Schema | undefined = schema?.type === 'array' ? schema : undefined;
    schema = list ? list.items : schema?.properties?.[segment];
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
    if (list && schema?.title) {
      item = `${schema.title} ${segment}: `;
      field = [];
    } else field.push(segment);
  }
  if (field.length === 0) return null;
  const path = `${item ?? ''}"${field.join('.')}"`;
  return { path, message: `${path} must be ${expected(schema ?? {})} (got ${describe(value)})` };
}

/** What a value must be, in words, from its schema. */
function expected(schema: Schema): string {
  if (schema.description) return schema.description;
  if (schema.format === 'date-or-instant') return 'an ISO date or instant';
  if (schema.format === 'instant') return 'an ISO instant, not a calendar date';
  if (schema.format === 'time-zone') return 'an IANA time zone such as "Europe/Paris"';
  if (schema.enum) return `one of ${schema.enum.join(', ')}`;
  const types = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
  if (types.includes('string')) return schema.pattern === '\\S' ? 'a non-empty string' : 'a string';
  if (types.includes('integer'))
    return schema.minimum === 0 ? 'a non-negative integer' : schema.minimum === 1 ? 'a positive integer' : 'an integer';
  if (types.includes('number')) return schema.minimum === 0 ? 'a non-negative number' : 'a finite number';
  if (types.includes('boolean')) return 'a boolean';
  if (types.includes('array')) return schema.minItems ? 'a non-empty array' : 'an array';
  if (types.includes('object')) return 'an object';
  return 'valid';
}

/** A value as a problem quotes it: `undefined`, `array(0)`, its JSON. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `array(${value.length})`;
  try {
    return JSON.stringify(value);
  } catch {
    return typeof value;
  }
}
