import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import { addDays, isoDate, MS_PER_DAY, parseIsoDate } from '../../../../src/shared/domain/dates';
import {
  earliestAnnouncedVisit,
  frenchPublicHolidays,
  holidayState,
  isWorkingDay,
  letterDeadline,
  nextWorkingDay,
  type PlannerCentre,
  type PlannerInspector,
  planVisits,
  publicHolidays,
} from '../../../../src/visits/domain/planner';

/** Working days of the department strictly after `a` up to and including `b`. */
function workingDaysAfter(a: string, b: string, department: string | null): number {
  let n = 0;
  for (let d = addDays(parseIsoDate(a), 1); isoDate(d) <= b; d = addDays(d, 1)) if (isWorkingDay(isoDate(d), department)) n++;
  return n;
}

const OVERSEAS = ['971', '972', '973', '974', '976'];
const ALSACE_MOSELLE = ['57', '67', '68'];

describe('VIS-2: working days exclude the public holidays of the centre’s department', () => {
  it('VIS-2 departments map to the date-holidays states of FR (overseas, Alsace-Moselle); others keep the national holidays', () => {
    expect(OVERSEAS.map(holidayState)).toEqual(['GP', 'MQ', 'GF', 'RE', 'YT']);
    expect(ALSACE_MOSELLE.map(holidayState)).toEqual(['57', '67', '68']);
    for (const department of ['75', '69', '2A', '01', '975', 'constructor', '__proto__', null, undefined])
      expect(holidayState(department)).toBeNull();
    expect([...publicHolidays(2026, '75')]).toEqual([...frenchPublicHolidays(2026)]);
  });

  it('VIS-2 abolition of slavery: 27 April Mayotte, 22 May Martinique, 27 May Guadeloupe, 10 June Guyane, 20 December La Réunion', () => {
    const cases: Array<[string, string]> = [
      ['976', '04-27'],
      ['972', '05-22'],
      ['971', '05-27'],
      ['973', '06-10'],
      ['974', '12-20'],
    ];
    for (const year of [2026, 2027, 2028]) {
      for (const [department, day] of cases) {
        expect(publicHolidays(year, department).has(`${year}-${day}`), `${department} ${year}-${day}`).toBe(true);
        expect(frenchPublicHolidays(year).has(`${year}-${day}`)).toBe(false);
        // Only that department's date.
        for (const [, otherDay] of cases)
          if (otherDay !== day) expect(publicHolidays(year, department).has(`${year}-${otherDay}`)).toBe(false);
        expect(isWorkingDay(`${year}-${day}`, department)).toBe(false);
      }
    }
  });

  it('VIS-2 Alsace-Moselle (57, 67, 68): Good Friday and 26 December are public holidays there, not in Paris', () => {
    for (const department of ALSACE_MOSELLE) {
      expect(publicHolidays(2026, department).has('2026-04-03')).toBe(true); // Good Friday 2026
      expect(publicHolidays(2025, department).has('2025-12-26')).toBe(true); // a Friday
      expect(isWorkingDay('2026-04-03', department)).toBe(false);
      expect(isWorkingDay('2025-12-26', department)).toBe(false);
    }
    expect(isWorkingDay('2026-04-03', '75')).toBe(true);
    expect(isWorkingDay('2025-12-26', '75')).toBe(true);
  });

  it('VIS-2 a visit announced so that 5 working days span 27 May in Guadeloupe needs one more day than in Paris', () => {
    // Visit Tue 2026-06-02: Paris counts 1 Jun, 29, 28, 27, 26 May; Guadeloupe skips 27 May (and 25 May, Whit Monday, everywhere).
    expect(letterDeadline('2026-06-02', '75')).toBe('2026-05-26');
    expect(letterDeadline('2026-06-02', '971')).toBe('2026-05-22');
    expect(workingDaysAfter('2026-05-22', '2026-06-02', '971')).toBe(PARAMETERS.visits.announcementWorkingDays);
    // Planning on Wed 2026-05-20, the first announced visit is Thu 28 May in Paris, Fri 29 May in Guadeloupe.
    expect(earliestAnnouncedVisit('2026-05-20', '75')).toBe('2026-05-28');
    expect(earliestAnnouncedVisit('2026-05-20', '971')).toBe('2026-05-29');
    expect(earliestAnnouncedVisit('2026-05-20')).toBe('2026-05-28');
  });

  it('VIS-2 the other overseas departments and Alsace-Moselle, at the boundary: one working day more than in Paris', () => {
    const cases: Array<[string | null, string, string, string]> = [
      // department, visit, letter by (there), letter by (Paris)
      ['972', '2026-05-29', '2026-05-20', '2026-05-21'], // Fri 22 May
      ['973', '2026-06-15', '2026-06-05', '2026-06-08'], // Wed 10 June
      ['976', '2026-04-30', '2026-04-22', '2026-04-23'], // Mon 27 April
      ['974', '2027-12-23', '2027-12-15', '2027-12-16'], // Mon 20 December 2027
      ['67', '2026-04-09', '2026-03-31', '2026-04-01'], // Good Friday 3 April (and Easter Monday everywhere)
      ['57', '2025-12-31', '2025-12-22', '2025-12-23'], // Fri 26 December 2025
    ];
    for (const [department, visit, there, paris] of cases) {
      expect(letterDeadline(visit, department), `${department} ${visit}`).toBe(there);
      expect(letterDeadline(visit, '75'), `Paris ${visit}`).toBe(paris);
      expect(workingDaysAfter(there, visit, department)).toBe(5);
    }
  });

  it('VIS-2 for any visit and department, the letter leaves exactly 5 of its working days before, never later than for Paris', () => {
    const dayArb = fc
      .integer({ min: Date.UTC(2024, 0, 1) / MS_PER_DAY, max: Date.UTC(2032, 11, 31) / MS_PER_DAY })
      .map((n) => isoDate(new Date(n * MS_PER_DAY)));
    fc.assert(
      fc.property(dayArb, fc.constantFrom(...OVERSEAS, ...ALSACE_MOSELLE, '75', '2B', null), (day, department) => {
        const visit = nextWorkingDay(day, department); // visits take place on working days
        const letter = letterDeadline(visit, department);
        expect(isWorkingDay(letter, department)).toBe(true);
        expect(workingDaysAfter(letter, visit, department)).toBe(PARAMETERS.visits.announcementWorkingDays);
        expect(letter <= letterDeadline(visit, null)).toBe(true);
        const earliest = earliestAnnouncedVisit(visit, department);
        expect(isWorkingDay(earliest, department)).toBe(true);
        expect(earliest >= earliestAnnouncedVisit(visit, null)).toBe(true);
      }),
      { seed: 20260527, numRuns: 300 },
    );
  });

  it('VIS-2 the planner counts the working days of each centre’s department', () => {
    const centre = (id: string, department: string): PlannerCentre => ({
      organisationId: id,
      name: `Centre ${id}`,
      agrementId: `agr-${id}`,
      department,
      networkId: null,
      riskScore: 10,
      sessions: [],
    });
    const inspector: PlannerInspector = {
      id: 'i',
      name: 'Inspecteur',
      kind: 'pix-staff',
      organisationId: null,
      networkId: null,
      departments: ['75', '971'],
      availableFrom: '2026-05-01',
      availableTo: '2026-06-30',
      capacity: 5,
    };
    const plan = planVisits({
      from: '2026-05-20',
      to: '2026-06-30',
      today: '2026-05-20',
      announcedShare: 1,
      centres: [centre('gp', '971'), centre('paris', '75')],
      inspectors: [inspector],
    });
    const byCentre = Object.fromEntries(plan.visits.map((v) => [v.organisationId, v]));
    expect(byCentre.paris).toMatchObject({ kind: 'announced', plannedOn: '2026-05-28', letterSentBy: '2026-05-20' });
    expect(byCentre.gp).toMatchObject({ kind: 'announced', plannedOn: '2026-05-29', letterSentBy: '2026-05-20' });
  });
});
