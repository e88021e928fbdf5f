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
