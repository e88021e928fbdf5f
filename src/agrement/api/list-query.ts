import type { Response } from 'express';
import { InvalidCommand } from '../../shared/domain/errors';
import { departmentsOfRegion, DEPARTMENTS } from '../../shared/domain/regions';
import { toCsv } from '../../dashboard/usecases/dashboard';
import { intParam } from '../../http/validation';

/**
 * The query parameters the operations screens' lists share (GET /centres, GET /proposals), validated at the edge:
 * 400 naming the parameter. The place filters as the dashboards take them (GET /dashboard/*).
 */

/** The query string as single texts: a parameter given twice (`?kind=a&kind=b`) or as an object is refused, naming it. */
export function singleValues(query: Record<string, unknown>): Record<string, string | undefined> {
  for (const [field, value] of Object.entries(query)) {
    if (value !== undefined && typeof value !== 'string') throw new InvalidCommand(field, `${field} must be given once, as a single value`);
  }
  return query as Record<string, string | undefined>;
}

/** An optional parameter among fixed values; absent when missing or empty. */
export function oneOf<T extends string>(field: string, raw: string | undefined, values: readonly T[]): T | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!(values as readonly string[]).includes(raw)) throw new InvalidCommand(field, `${field} must be one of: ${values.join(', ')}`);
  return raw as T;
}

/** ?department= (an INSEE department code: 01…95, 2A, 2B, 971…976) and ?region= (an INSEE region code). */
export function placeFilter(q: Record<string, string | undefined>): { department?: string; region?: string } {
  const { department, region } = q;
  if (department !== undefined && !DEPARTMENTS.has(department))
    throw new InvalidCommand('department', 'department must be an INSEE department code, e.g. 69, 2A or 974');
  if (region !== undefined && !departmentsOfRegion(region))
    throw new InvalidCommand('region', 'region must be an INSEE region code (GET /dashboard/regions), e.g. 84 for Auvergne-Rhône-Alpes');
  return { ...(department ? { department } : {}), ...(region ? { region } : {}) };
}

/** ?limit=&offset=: a JSON page holds 1 to 1,000 items (50 by default); a CSV export every match by default (up to 100,000). */
export function pageParams(q: Record<string, string | undefined>): { limit: number; offset: number } {
  const csv = q.format === 'csv';
  return {
    limit: csv ? intParam('limit', q.limit, 100_000, 1, 100_000) : intParam('limit', q.limit, 50, 1, 1000),
    offset: intParam('offset', q.offset, 0, 0, 10_000_000),
  };
}

/** ?format=json (default) or csv: validated before anything is read. */
export function formatParam(q: Record<string, string | undefined>): 'json' | 'csv' {
  return oneOf('format', q.format, ['json', 'csv'] as const) ?? 'json';
}

/** The page as JSON, or its items as a CSV attachment (every cell neutralised against formula injection: toCsv). */
export function reply<T extends object>(
  res: Response,
  format: 'json' | 'csv',
  filename: string,
  page: { items: T[] },
  row: (item: T) => Record<string, unknown> = (item) => item as Record<string, unknown>,
): unknown {
  if (format === 'json') return page;
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}.csv"`);
  return toCsv(page.items.map(row));
}
