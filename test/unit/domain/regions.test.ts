import { describe, expect, it } from 'vitest';
import { departmentsOfRegion, REGIONS, regionOfDepartment } from '../../../src/domain/regions';

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
