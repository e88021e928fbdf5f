import { describe, expect, it } from 'vitest';
import {
  type CampaignWindow,
  checkCampaignWindow,
  derogationProblem,
  isSchoolYear,
  noWindowMessage,
  schoolYearOf,
  windowProblems,
} from '../../../../src/sessions/domain/campaigns';

// SCO-2, the 2020-2021 campaign of the FAQ (seeded by the migration; operations enter the other years).
const lycee: CampaignWindow = { schoolYear: '2020-2021', schoolType: 'lycee', from: '2021-01-11', to: '2021-05-20', derogationLimit: null };
const college: CampaignWindow = {
  schoolYear: '2020-2021',
  schoolType: 'college',
  from: '2021-03-08',
  to: '2021-05-12',
  derogationLimit: '2021-05-20',
};
const agricultural: CampaignWindow = {
  schoolYear: '2020-2021',
  schoolType: 'agricultural-lycee',
  from: '2021-03-15',
  to: '2021-05-20',
  derogationLimit: null,
};

describe('SCO-2 campaign windows (data entered per school year and school type)', () => {
  it('SCO-2 the school year runs from September to August', () => {
    expect(schoolYearOf('2021-01-11')).toBe('2020-2021');
    expect(schoolYearOf('2020-09-01')).toBe('2020-2021');
    expect(schoolYearOf('2021-08-31')).toBe('2020-2021');
    expect([isSchoolYear('2026-2027'), isSchoolYear('2026-2028'), isSchoolYear('2026')]).toEqual([true, false, false]);
  });

  it('SCO-2 2021: lycées 11 January–20 May, boundaries included', () => {
    expect(checkCampaignWindow('2021-01-11', lycee, null)).toBeNull();
    expect(checkCampaignWindow('2021-05-20', lycee, null)).toBeNull();
    expect(checkCampaignWindow('2021-01-10', lycee, null)).toMatchObject({
      ruleId: 'SCO-2',
      actual: '2021-01-10',
      expected: { from: '2021-01-11', to: '2021-05-20' },
    });
    expect(checkCampaignWindow('2021-05-21', lycee, null)?.ruleId).toBe('SCO-2');
  });

  it('SCO-2 2021: collèges 8 March–12 May; only a school granted a derogation runs to 20 May; agricultural schools from 15 March', () => {
    expect(checkCampaignWindow('2021-03-07', college, null)?.ruleId).toBe('SCO-2');
    expect(checkCampaignWindow('2021-05-12', college, null)).toBeNull();
    expect(checkCampaignWindow('2021-05-20', college, null)).toMatchObject({ ruleId: 'SCO-2', expected: { to: '2021-05-12' } });
    const derogation = { organisationId: 'x', schoolYear: '2020-2021', until: '2021-05-20' };
    expect(checkCampaignWindow('2021-05-20', college, derogation)).toBeNull();
    expect(checkCampaignWindow('2021-05-21', college, derogation)?.message).toMatch(/par dérogation/);
    expect(checkCampaignWindow('2021-03-14', agricultural, null)?.ruleId).toBe('SCO-2');
    expect(checkCampaignWindow('2021-03-15', agricultural, null)).toBeNull();
  });

  it('SCO-2 a derogation extends the window, within its limit and its school year', () => {
    expect(derogationProblem(college, '2021-05-20')).toBeNull();
    expect(derogationProblem(college, '2021-05-21')).toMatch(/limited to 2021-05-20/);
    expect(derogationProblem(college, '2021-05-10')).toMatch(/not after its end/);
    expect(derogationProblem(lycee, '2021-09-02')).toMatch(/outside the school year/);
  });

  it('SCO-2 a window stays inside its school year, from ≤ to ≤ derogation limit', () => {
    expect(windowProblems(college)).toEqual([]);
    expect(windowProblems({ ...lycee, to: '2021-01-01' })[0]?.[0]).toBe('to');
    expect(windowProblems({ ...lycee, from: '2020-08-31' })[0]?.[0]).toBe('from');
    expect(windowProblems({ ...college, derogationLimit: '2021-05-01' })[0]?.[0]).toBe('derogationLimit');
  });

  it('SCO-2 no window published: the message says so, naming the year and the school type', () => {
    expect(noWindowMessage('lycee', '2022-2023')).toMatch(
      /Aucune fenêtre de campagne n'est publiée pour l'année scolaire 2022-2023.*lycée.*SCO-2/,
    );
  });
});
