import { describe, expect, it } from 'vitest';
import { overdueIn } from '../../../../src/dashboard/usecases/dashboard';
import type { AgrementAwaiting, DashboardFilter, DashboardRepository, DeadlineRow } from '../../../../src/dashboard/usecases/ports';

/** The "overdue" dashboard (BRE-4, AGR-2, APP-7, SES-10, BIL-1, SES-12) merged and paged over an in-memory read model. */

const NOW = new Date('2026-03-02T09:00:00Z');

const proposal = (
  kind: 'termination' | 'breach-notice' | 'suspension',
  ruleId: string,
  proposedOn: string,
): AgrementAwaiting['proposals'][number] => ({
  id: `${kind}-${proposedOn}`,
  kind,
  cause: 'badge',
  ruleId,
  proposedOn,
  reasonFr: 'motif',
});

const deadline = (
  subject: DeadlineRow['subject'],
  subjectId: string,
  name: string,
  ruleId: string,
  on: string,
  organisationName: string,
): DeadlineRow => ({
  subject,
  subjectId,
  agrementId: subject === 'agrement' ? subjectId : null,
  organisationId: `org-${organisationName}`,
  organisationName,
  department: '69',
  kind: 'centre',
  deadline: name,
  ruleId,
  on,
  at: `${on}T21:59:59.999Z`,
});

/** A read model that answers the same whatever the filter, and says which lists were asked for. */
function readModel() {
  const asked: string[] = [];
  const unused = async () => {
    throw new Error('not read by overdue');
  };
  const repository: DashboardRepository = {
    overviewCounts: unused,
    upcomingDeadlines: unused,
    quotasAtRisk: unused,
    projectQuotas: unused,
    watchlist: unused,
    organisation: unused,
    centreHistory: unused,
    async overdueSources(f) {
      asked.push('agrements');
      const agrements = [
        {
          agrementId: 'agr-1',
          organisationName: 'Centre B',
          proposals: [proposal('termination', 'BRE-4', '2026-02-10')],
          renewalMissedOn: '2026-01-31',
        },
        { agrementId: 'agr-2', organisationName: 'Centre A', proposals: [], renewalMissedOn: '2026-02-10' },
      ];
      if (f.applications) asked.push('applications');
      // Flagged on 2026-02-28 at 23:30 UTC: 1 March in Paris.
      const applications = f.applications
        ? [{ applicationId: 'app-1', organisationName: 'Lycée C', flaggedAt: new Date('2026-02-28T23:30:00Z') }]
        : [];
      asked.push('deadlines');
      const deadlines = [
        deadline('session', 'ses-1', 'finalisation-due', 'SES-10', '2026-02-20', 'Centre A'),
        deadline('statement', '42', 'statement-due', 'BIL-1', '2026-02-05', 'Centre D'),
      ];
      return { agrements, applications, deadlines };
    },
  };
  return { repository, asked };
}

const all: DashboardFilter & { now: Date } = { now: NOW, limit: 50, offset: 0 };

describe('overdue: what waits on a person past its date, oldest first', () => {
  it('merges proposals (BRE-4), missed renewals (AGR-2), overdue applications (APP-7) and the deadlines passed, by date then name', async () => {
    const { repository, asked } = readModel();
    const page = await overdueIn(repository, all);
    expect(asked).toEqual(['agrements', 'applications', 'deadlines']);
    expect(page).toMatchObject({ total: 6, limit: 50, offset: 0 });
    expect(page.items.map((r) => [r.since, r.organisationName, r.subject, r.id, r.agrementId, r.what, r.ruleId])).toEqual([
      ['2026-01-31', 'Centre B', 'agrement', 'agr-1', 'agr-1', 'renewal-request-missed', 'AGR-2'],
      ['2026-02-05', 'Centre D', 'statement', '42', null, 'statement-overdue', 'BIL-1'],
      // The same day: by organisation name.
      ['2026-02-10', 'Centre A', 'agrement', 'agr-2', 'agr-2', 'renewal-request-missed', 'AGR-2'],
      ['2026-02-10', 'Centre B', 'agrement', 'agr-1', 'agr-1', 'termination-proposed', 'BRE-4'],
      ['2026-02-20', 'Centre A', 'session', 'ses-1', null, 'finalisation-overdue', 'SES-10'],
      // APP-7: the day the application was flagged, in Paris.
      ['2026-03-01', 'Lycée C', 'application', 'app-1', null, 'procedure-overdue', 'APP-7'],
    ]);
  });

  it.each<[string, Partial<DashboardFilter>]>([
    ["a centre's or a coordinator's own organisations", { organisationIds: ['org-Centre A'] }],
    ['one kind of agrément', { kind: 'network' }],
    ['one network', { networkId: 'network-1' }],
  ])('filtered to %s, the applications are not listed', async (_, filter) => {
    const { repository, asked } = readModel();
    const page = await overdueIn(repository, { ...all, ...filter });
    expect(asked).toEqual(['agrements', 'deadlines']);
    expect(page.items.map((r) => r.subject)).not.toContain('application');
  });

  it('pages the merged list', async () => {
    const { repository } = readModel();
    const page = await overdueIn(repository, { ...all, limit: 2, offset: 1 });
    expect(page).toMatchObject({ total: 6, limit: 2, offset: 1 });
    expect(page.items.map((r) => `${r.since} ${r.what}`)).toEqual(['2026-02-05 statement-overdue', '2026-02-10 renewal-request-missed']);
  });
});
