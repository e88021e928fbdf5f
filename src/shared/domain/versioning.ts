/**
 * AGR-6: effective-dated rule data. A versioned file (session rules, price table) may carry a
 * `parameters` block overriding the PARAMETERS values its cahier changed; everything else is read
 * from PARAMETERS (the cahier of January 2020). The override lives in the file so that a new
 * version is one JSON file plus one line in its registry, and no code.
 */
import { PARAMETERS, type Parameters } from '../../config/parameters';
import { RuleFileError } from './errors';

/** PARAMETERS with numbers widened, as a version's overrides may change them. */
export type Widen<T> = T extends number
  ? number
  : T extends string
    ? string
    : T extends boolean
      ? boolean
      : T extends readonly (infer U)[]
        ? readonly Widen<U>[]
        : { readonly [K in keyof T]: Widen<T[K]> };

export type VersionedParameters = Widen<Parameters>;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * PARAMETERS with `overrides` applied. An override may only replace an existing value by one of the
 * same type (a number by a number…), so a typo cannot create a parameter no rule reads.
 * Returns the merged parameters and the overridden paths ("sessions.maxCandidatesPerInvigilator").
 */
export function resolveParameters(overrides: unknown, label: string): { parameters: VersionedParameters; overridden: string[] } {
  if (overrides === undefined) return { parameters: PARAMETERS, overridden: [] };
  const problems: string[] = [];
  const overridden: string[] = [];
  const merge = (base: unknown, override: unknown, path: string): unknown => {
    if (!isObject(override)) {
      problems.push(`parameters${path ? `.${path}` : ''}: must be an object`);
      return base;
    }
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [key, value] of Object.entries(override)) {
      const at = path ? `${path}.${key}` : key;
      const current = (base as Record<string, unknown>)[key];
      if (current === undefined) problems.push(`parameters.${at}: no such parameter in PARAMETERS`);
      else if (isObject(current)) out[key] = merge(current, value, at);
      else if (Array.isArray(current) !== Array.isArray(value) || typeof current !== typeof value) {
        problems.push(`parameters.${at}: must be a ${Array.isArray(current) ? 'list' : typeof current} like PARAMETERS.${at}`);
      } else if (typeof value === 'number' && !Number.isFinite(value)) {
        problems.push(`parameters.${at}: must be a finite number`);
      } else {
        out[key] = value;
        overridden.push(at);
      }
    }
    return Object.freeze(out);
  };
  const parameters = merge(PARAMETERS, overrides, '') as VersionedParameters;
  if (problems.length > 0) throw new RuleFileError(label, problems);
  return { parameters, overridden };
}

/** The version in force on `date`: the latest whose effectiveFrom is on or before it. `sorted` by effectiveFrom. */
export function inForceOn<T extends { effectiveFrom: string }>(sorted: readonly T[], date: string, what: string): T {
  let found: T | undefined;
  for (const version of sorted) {
    if (version.effectiveFrom <= date) found = version;
    else break;
  }
  if (!found) {
    throw new RangeError(`No ${what} in force on ${date} (the first one takes effect on ${sorted[0]?.effectiveFrom ?? '—'})`);
  }
  return found;
}

/** Sorts by effectiveFrom and refuses two versions taking effect the same day (AGR-6 must pick one). */
export function sortVersions<T extends { effectiveFrom: string; version: string }>(versions: readonly T[], what: string): T[] {
  const sorted = [...versions].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].effectiveFrom === sorted[i - 1].effectiveFrom) {
      throw new Error(`${what} ${sorted[i - 1].version} and ${sorted[i].version} both take effect on ${sorted[i].effectiveFrom}`);
    }
  }
  return sorted;
}
