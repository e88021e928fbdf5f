import { describe, expect, it } from 'vitest';
import { checkCampaignWindow, schoolYearOf } from '../../../src/domain/sessions/campaigns';

describe('SCO-2 campaign windows (data: src/rules/sessions/sco-campaigns.json)', () => {
  it('SCO-2 the school year runs from September to August', () => {
    expect(schoolYearOf('2021-01-11')).toBe('2020-2021');
    expect(schoolYearOf('2020-09-01')).toBe('2020-2021');
    expect(schoolYearOf('2021-08-31')).toBe('2020-2021');
  });

  it('SCO-2 2021: lycées 11 January–20 May, boundaries included', () => {
    expect(checkCampaignWindow('lycee', '2021-01-11')).toBeNull();
    expect(checkCampaignWindow('lycee', '2021-05-20')).toBeNull();
    expect(checkCampaignWindow('lycee', '2021-01-10')).toMatchObject({ ruleId: 'SCO-2', actual: '2021-01-10', expected: { from: '2021-01-11', to: '2021-05-20' } });
    expect(checkCampaignWindow('lycee', '2021-05-21')?.ruleId).toBe('SCO-2');
  });

  it('SCO-2 2021: collèges 8 March–12 May, up to 20 May by derogation; agricultural schools from 15 March', () => {
    expect(checkCampaignWindow('college', '2021-03-07')?.ruleId).toBe('SCO-2');
    expect(checkCampaignWindow('college', '2021-05-20')).toBeNull();
    expect(checkCampaignWindow('college', '2021-05-21')?.message).toMatch(/dérogation/);
    expect(checkCampaignWindow('agricultural-lycee', '2021-03-14')?.ruleId).toBe('SCO-2');
    expect(checkCampaignWindow('agricultural-lycee', '2021-03-15')).toBeNull();
  });

  it('SCO-2 a school year without windows in the data is refused with a clear reason, never let through', () => {
    expect(checkCampaignWindow('lycee', '2023-02-01')).toMatchObject({ ruleId: 'SCO-2', message: expect.stringMatching(/Aucune fenêtre.*2022-2023/) });
  });
});
