import departements from '@etalab/decoupage-administratif/data/departements.json';
import regions from '@etalab/decoupage-administratif/data/regions.json';

/**
 * France's regions and their departments (INSEE codes, Code officiel géographique) for the operations
 * dashboards' region filter and ELIG-4's department count. The data is INSEE's geography as published by
 * Etalab (@etalab/decoupage-administratif), not a hand list. Departments are those organisations record
 * ('01'…'95', '2A', '2B', '971'…'976'): the 18 regions of metropolitan France and its overseas regions
 * (DROM); overseas collectivities (COM, 975 and above) have no department of this kind.
 */
type Zone = 'metro' | 'drom' | 'com';
const DEPARTMENT_ZONES: ReadonlySet<Zone> = new Set(['metro', 'drom']);

export const REGIONS: ReadonlyArray<{ code: string; name: string; departments: readonly string[] }> = regions
  .filter((r) => DEPARTMENT_ZONES.has(r.zone as Zone))
  .map((r) => ({
    code: r.code,
    name: r.nom,
    departments: departements.filter((d) => d.region === r.code && DEPARTMENT_ZONES.has(d.zone as Zone)).map((d) => d.code),
  }));

/** Every department code (101: 96 in metropolitan France with 2A/2B, 5 overseas), ELIG-4 type B's universe. */
export const DEPARTMENTS: ReadonlySet<string> = new Set(
  departements.filter((d) => DEPARTMENT_ZONES.has(d.zone as Zone)).map((d) => d.code),
);

/** The same list as a JSON Schema / RegExp pattern, for the API's request schemas. */
export const DEPARTMENT_PATTERN = `^(${[...DEPARTMENTS].join('|')})$`;

const BY_CODE = new Map(REGIONS.map((r) => [r.code, r]));
const BY_DEPARTMENT = new Map(REGIONS.flatMap((r) => r.departments.map((d) => [d, r] as const)));

/** The departments of a region, or null for an unknown code. */
export function departmentsOfRegion(code: string): readonly string[] | null {
  return BY_CODE.get(code)?.departments ?? null;
}

/** The region of a department, or null (abroad, unknown). */
export function regionOfDepartment(department: string): { code: string; name: string } | null {
  const r = BY_DEPARTMENT.get(department);
  return r ? { code: r.code, name: r.name } : null;
}
