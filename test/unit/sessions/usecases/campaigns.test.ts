import { describe, expect, it } from 'vitest';
import { InvalidCommand, NotFound, TransitionRefused } from '../../../../src/shared/domain/errors';
import type { CampaignDerogation, CampaignWindow } from '../../../../src/sessions/domain/campaigns';
import type { CampaignSchool, CampaignsRepository, CampaignWindowRecord } from '../../../../src/sessions/usecases/campaign-ports';
import { grantDerogationTo, publishWindow, windowOfInput } from '../../../../src/sessions/usecases/campaigns';

// SCO-2 use cases over an in-memory port: the decisions (what is refused, what is recorded and logged as what), no PostgreSQL.
const NOW = new Date('2026-10-05T09:00:00Z');
const now = () => NOW;

interface Saved {
  windows: Array<{ window: CampaignWindow; before: CampaignWindow | null; source: string; actor: string }>;
  derogations: Array<{ derogation: CampaignDerogation; schoolType: string; before: string | null }>;
}

function memoryCampaigns(initial: { windows?: CampaignWindow[]; schools?: CampaignSchool[]; derogations?: CampaignDerogation[] } = {}) {
  const windows = new Map<string, CampaignWindowRecord>();
  const key = (year: string, type: string) => `${year}/${type}`;
  for (const w of initial.windows ?? [])
    windows.set(key(w.schoolYear, w.schoolType), { ...w, source: 'BO', updatedBy: 'ops', updatedAt: NOW });
  const schools = new Map((initial.schools ?? []).map((s) => [s.id, s]));
  const derogations = [...(initial.derogations ?? [])];
  const saved: Saved = { windows: [], derogations: [] };
  const repo: CampaignsRepository = {
    windowsOf: async (years) => [...windows.values()].filter((w) => years.includes(w.schoolYear)),
    derogationsOf: async (years, ids) => derogations.filter((d) => years.includes(d.schoolYear) && ids.includes(d.organisationId)),
    listWindows: async (year) => [...windows.values()].filter((w) => !year || w.schoolYear === year),
    findWindow: async (year, type) => windows.get(key(year, type)) ?? null,
    derogationsOfSchoolType: async (year, type) =>
      derogations
        .filter((d) => d.schoolYear === year && schools.get(d.organisationId)?.category === type)
        .map((d) => ({ organisationId: d.organisationId, until: d.until })),
    saveWindow: async (window, { source, actor, before, at }) => {
      saved.windows.push({ window, before, source, actor });
      windows.set(key(window.schoolYear, window.schoolType), { ...window, source, updatedBy: actor, updatedAt: at });
    },
    findSchool: async (id) => schools.get(id) ?? null,
    lockDerogation: async (id, year) => derogations.find((d) => d.organisationId === id && d.schoolYear === year)?.until ?? null,
    saveDerogation: async (derogation, { schoolType, before }) => {
      saved.derogations.push({ derogation, schoolType, before });
      const i = derogations.findIndex((d) => d.organisationId === derogation.organisationId && d.schoolYear === derogation.schoolYear);
      if (i >= 0) derogations[i] = derogation;
      else derogations.push(derogation);
    },
    listDerogations: async () => [],
  };
  return { repo, saved };
}

const college2027: CampaignWindow = {
  schoolYear: '2026-2027',
  schoolType: 'college',
  from: '2027-03-08',
  to: '2027-05-12',
  derogationLimit: '2027-05-20',
};
const school: CampaignSchool = { id: 'c0113e9e-0000-4000-8000-000000000001', name: 'Collège Jean Moulin', category: 'college' };

describe('SCO-2 publishing a campaign window', () => {
  it('SCO-2 a command is checked before anything is read: school year, school type, then the window itself', () => {
    const input = { from: '2027-03-08', to: '2027-05-12', source: 'BO n° 12' };
    expect(() => windowOfInput('2026-2028', 'college', input)).toThrow(expect.objectContaining({ field: 'schoolYear' }));
    expect(() => windowOfInput('2026-2027', 'university', input)).toThrow(InvalidCommand);
    expect(() => windowOfInput('2026-2027', 'college', { ...input, from: '2027-06-01' })).toThrow(InvalidCommand);
    expect(windowOfInput('2026-2027', 'college', input)).toEqual({ ...college2027, derogationLimit: null });
  });

  it('SCO-2 a first window is published (created), a second one replaces it and logs what it replaced', async () => {
    const { repo, saved } = memoryCampaigns();
    const first = await publishWindow(repo, college2027, 'BO n° 12', 'ops@pix.fr', now);
    expect(first).toMatchObject({ created: true, window: { ...college2027, source: 'BO n° 12', updatedBy: 'ops@pix.fr' } });
    const wider = { ...college2027, to: '2027-05-15' };
    const second = await publishWindow(repo, wider, 'BO n° 14', 'ops@pix.fr', now);
    expect(second.created).toBe(false);
    // The log's "before" is the window only, not who entered it.
    expect(saved.windows.map((w) => w.before)).toEqual([null, college2027]);
  });

  it('SCO-2 a narrower limit that would leave a granted derogation beyond it is refused, and nothing is written', async () => {
    const { repo, saved } = memoryCampaigns({
      windows: [college2027],
      schools: [school],
      derogations: [{ organisationId: school.id, schoolYear: '2026-2027', until: '2027-05-20' }],
    });
    const narrower = { ...college2027, derogationLimit: '2027-05-16' };
    await expect(publishWindow(repo, narrower, 'BO n° 15', 'ops@pix.fr', now)).rejects.toThrow(TransitionRefused);
    await expect(publishWindow(repo, narrower, 'BO n° 15', 'ops@pix.fr', now)).rejects.toThrow(
      new RegExp(`derogation granted to ${school.id} \\(until 2027-05-20\\)`),
    );
    expect(saved.windows).toEqual([]);
  });
});

describe('SCO-2 granting a derogation', () => {
  const input = { until: '2027-05-19', reason: 'Voyage scolaire en avril' };

  it('SCO-2 refuses an unknown organisation (404), a centre that is not a secondary school, a year without a window', async () => {
    const { repo, saved } = memoryCampaigns({
      schools: [school, { id: 'c0113e9e-0000-4000-8000-000000000002', name: 'Formapro', category: 'datadock-training-provider' }],
    });
    await expect(grantDerogationTo(repo, '2026-2027', 'c0113e9e-0000-4000-8000-00000000dead', input, 'ops', now)).rejects.toThrow(NotFound);
    await expect(grantDerogationTo(repo, '2026-2027', 'c0113e9e-0000-4000-8000-000000000002', input, 'ops', now)).rejects.toThrow(
      /not a secondary school/,
    );
    await expect(grantDerogationTo(repo, '2026-2027', school.id, input, 'ops', now)).rejects.toMatchObject({ ruleId: 'SCO-2' });
    expect(saved.derogations).toEqual([]);
  });

  it("SCO-2 refuses a date beyond the window's derogation limit", async () => {
    const { repo, saved } = memoryCampaigns({ windows: [college2027], schools: [school] });
    await expect(grantDerogationTo(repo, '2026-2027', school.id, { ...input, until: '2027-05-21' }, 'ops', now)).rejects.toMatchObject({
      ruleId: 'SCO-2',
    });
    expect(saved.derogations).toEqual([]);
  });

  it('SCO-2 grants it (created), then replaces it, recording the date it replaced', async () => {
    const { repo, saved } = memoryCampaigns({ windows: [college2027], schools: [school] });
    const first = await grantDerogationTo(repo, '2026-2027', school.id, input, 'ops@pix.fr', now);
    expect(first).toEqual({
      created: true,
      derogation: {
        organisationId: school.id,
        organisationName: school.name,
        schoolYear: '2026-2027',
        schoolType: 'college',
        until: '2027-05-19',
        reason: input.reason,
        grantedBy: 'ops@pix.fr',
      },
    });
    const second = await grantDerogationTo(repo, '2026-2027', school.id, { ...input, until: '2027-05-20' }, 'ops@pix.fr', now);
    expect(second.created).toBe(false);
    expect(saved.derogations.map((d) => [d.derogation.until, d.before, d.schoolType])).toEqual([
      ['2027-05-19', null, 'college'],
      ['2027-05-20', '2027-05-19', 'college'],
    ]);
  });
});
