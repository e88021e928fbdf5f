import type { FormEvent } from 'react';
import { type SetURLSearchParams, useSearchParams } from 'react-router-dom';
import { paramsFromForm } from './FilterBar';
import { pageOf, windowOf } from './Paging';

/**
 * What every list screen does with its address (issue 14): the filters in French names there
 * (#/sessions?centre=lyon&statut=planned&retard=oui&page=2), the API's names and values in the query, and the
 * filter form's submission back into the address (from the first page) — a search can be bookmarked and shared.
 */

/** A parameter of the address, trimmed; undefined when absent or blank. */
export const textParam = (params: URLSearchParams, name: string): string | undefined => params.get(name)?.trim() || undefined;

/** A parameter of the address when it is one of `codes`; unknown values are ignored rather than refused. */
export function oneOf<C extends string>(value: string | null | undefined, codes: readonly C[]): C | undefined {
  return (codes as readonly string[]).includes(value ?? '') ? (value as C) : undefined;
}

/** A yes/no filter of the address (a checkbox kept as `name=oui`): true, or undefined (not sent to the API). */
export const flagParam = (params: URLSearchParams, name: string): true | undefined => (params.get(name) === 'oui' ? true : undefined);

/** The query without its undefined filters (openapi-fetch would otherwise see the key). */
function compact<Q extends object>(query: Q): Q {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Q;
}

export type ListQuery<Q> = {
  params: URLSearchParams;
  setParams: SetURLSearchParams;
  /** The API's filters the address asks for (no window). */
  query: Q;
  /** The page the address asks for (1 without it). */
  page: number;
  /** The API's window for that page (`limit`, `offset`); none for a list without pages. */
  window: { limit?: number; offset?: number };
  /** What the data depends on, for useApi. */
  key: string;
  /** The filter form's submission: its fields into the address, from the first page. */
  submit: (event: FormEvent<HTMLFormElement>) => void;
  /** What the form is keyed by: the address (going back shows that address's filters), with `also` (e.g. the regions once loaded). */
  formKey: (also?: unknown) => string;
};

/**
 * The list's query from the address, and the filter form into the address. `checkboxes` names the form's checkboxes: an
 * unchecked one is absent from the form's data and must be dropped from the address rather than kept.
 */
export function useListQuery<Q extends object>(
  queryOf: (params: URLSearchParams) => Q,
  { pageSize, checkboxes = [] }: { pageSize?: number; checkboxes?: string[] } = {},
): ListQuery<Q> {
  const [params, setParams] = useSearchParams();
  const query = compact(queryOf(params));
  const page = pageOf(params);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Parameters the form does not show (e.g. the sort order) are kept; a new search starts at its first page.
    setParams(paramsFromForm(event.currentTarget, params, ['page', ...checkboxes]));
  };
  return {
    params,
    setParams,
    query,
    page,
    window: pageSize ? windowOf(page, pageSize) : {},
    key: JSON.stringify({ ...query, ...(pageSize ? { page } : {}) }),
    submit,
    formKey: (also) => (also === undefined ? params.toString() : `${params}|${String(also)}`),
  };
}
