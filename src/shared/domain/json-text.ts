/**
 * Issue 15: a JSON text known to encode a T. A list the API serves many times a second is built as JSON where its data
 * lives (PostgreSQL's json_agg) and served as is: parsing its rows into objects and serialising them again cost the
 * API more CPU than the rest of the request. The type says what the text encodes, for the code that still has to read
 * it (a CSV export, a calendar feed, a test).
 */
export type JsonText<T> = string & { readonly [encodes]: T };
/** Types only: a plain string is not a JsonText, nor is one T's text another's. */
declare const encodes: unique symbol;

/** What a JSON text encodes. */
export function parseJsonText<T>(text: JsonText<T>): T {
  return JSON.parse(text) as T;
}

/** A page of a list, the API's shape for every paged list: its count, its bounds and its items. */
type PageOf<T> = { total: number; limit: number; offset: number; items: T[] };

/** A page whose items are already JSON, as JSON. */
export function jsonPage<T>(page: Omit<PageOf<T>, 'items'> & { items: JsonText<T[]> }): JsonText<PageOf<T>> {
  const n = (x: number) => JSON.stringify(Number(x));
  return `{"total":${n(page.total)},"limit":${n(page.limit)},"offset":${n(page.offset)},"items":${page.items}}` as JsonText<PageOf<T>>;
}
