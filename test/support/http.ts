import { bearer } from './auth';

/** API answers, read field by field in the tests. */
export type Json = Record<string, any>;

/** One request to the API under test: bearer token, JSON body, the answer parsed (and its text and headers). */
export async function requestJson(
  url: string,
  method: string,
  options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Json; text: string; headers: Headers }> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(options.token ? bearer(options.token) : {}), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, text, headers: res.headers };
}

/**
 * Every item of a paged list (`{ total, items }`), page after page. The test files share the run's database, so the
 * rows a test looks for may lie past the first page of a list that also holds what earlier files left.
 */
export async function everyItem(page: (path: string) => Promise<Json>, path: string, pageSize = 500): Promise<any[]> {
  const items: any[] = [];
  const separator = path.includes('?') ? '&' : '?';
  for (;;) {
    const body = await page(`${path}${separator}limit=${pageSize}&offset=${items.length}`);
    if (!Array.isArray(body.items)) throw new Error(`${path} answered no list: ${JSON.stringify(body).slice(0, 200)}`);
    items.push(...body.items);
    if (body.items.length === 0 || items.length >= body.total) return items;
  }
}
