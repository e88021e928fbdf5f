import { describe, expect, it } from 'vitest';
import { DEPARTMENT_PATTERN, DEPARTMENTS, departmentsOfRegion, REGIONS, regionOfDepartment } from '../../../../src/shared/domain/regions';

describe('regions and departments (dashboard filter)', () => {
  it('places each of the 101 departments in exactly one of the 18 regions', () => {
    const all = REGIONS.flatMap((r) => r.departments);
    expect(REGIONS).toHaveLength(18);
    expect(all).toHaveLength(101);
    expect(new Set(all).size).toBe(101);
    const metropolitan = Array.from({ length: 95 }, (_, i) => String(i + 1).padStart(2, '0')).filter((d) => d !== '20');
    expect(new Set(all)).toEqual(new Set([...metropolitan, '2A', '2B', '971', '972', '973', '974', '976']));
  });

  it('answers both ways, and null for what it does not know', () => {
    expect(regionOfDepartment('69')).toEqual({ code: '84', name: 'Auvergne-Rhône-Alpes' });
    expect(regionOfDepartment('2B')).toEqual({ code: '94', name: 'Corse' });
    expect(regionOfDepartment('974')).toEqual({ code: '04', name: 'La Réunion' });
    expect(regionOfDepartment('99')).toBeNull();
    expect(departmentsOfRegion('53')).toEqual(['22', '29', '35', '56']);
    expect(departmentsOfRegion('99')).toBeNull();
  });
});

describe('department codes (ELIG-4, VIS-5, organisation seats)', () => {
  it('the request pattern accepts exactly the 101 departments', () => {
    const pattern = new RegExp(DEPARTMENT_PATTERN);
    expect(DEPARTMENTS.size).toBe(101);
    for (const d of DEPARTMENTS) expect(pattern.test(d)).toBe(true);
    for (const d of ['20', '00', '96', '975', '988', '1', '2a', '01 ', '9711']) expect(pattern.test(d)).toBe(false);
  });
});
