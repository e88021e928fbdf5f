import { describe, expect, it } from 'vitest';
import { overdueIn } from '../../../../src/dashboard/usecases/dashboard';
import type { DashboardFilter, DashboardRepository, OverdueRow } from '../../../../src/dashboard/usecases/ports';
import { PARAMETERS } from '../../../../src/config/parameters';
import { type JsonText, parseJsonText } from '../../../../src/shared/domain/json-text';

/**
 * The "overdue" dashboard's use case over its port (BRE-4, AGR-2, APP-7, SES-10, BIL-1, SES-12): which sources it asks
 * for and how it pages. The list itself is ordered and paged by the read model (issue 15), tested over PostgreSQL in
 * test/integration/dashboard/infra/dashboard-read-tables.test.ts against the previous merge.
 */

const NOW = new Date('2026-03-02T09:00:00Z');

const row: OverdueRow = {
  subject: 'agrement',
  id: 'agr-1',
  agrementId: 'agr-1',
  organisationName: 'Centre B',
  what: 'renewal-request-missed',
  ruleId: 'AGR-2',
  since: '2026-01-31',
};

/** A read model that records what it was asked. */
function readModel() {
  const asked: Array<Parameters<DashboardRepository['overdue']>[0]> = [];
  const unused = async () => {
    throw new Error('not read by overdue');
  };
  const repository: DashboardRepository = {
    overviewCounts: unused,
    upcomingDeadlines: unused,
    upcomingDeadlinesKeyed: unused,
    quotasAtRisk: unused,
    projectQuotas: unused,
    watchlist: unused,
    organisation: unused,
    centreHistory: unused,
    async overdue(f) {
      asked.push(f);
      return { total: 7, items: JSON.stringify([row]) as JsonText<OverdueRow[]> };
    },
  };
  return { repository, asked };
}

const all: DashboardFilter & { now: Date } = { now: NOW, limit: 50, offset: 0 };

describe('overdue: what waits on a person past its date, oldest first', () => {
  it('APP-7 asks for the applications too, dated in the agréments’ time zone, and returns the page as the read model counts it', async () => {
    const { repository, asked } = readModel();
    const page = await overdueIn(repository, { ...all, limit: 1, offset: 3, department: '69' });
    expect(asked).toEqual([
      { now: NOW, limit: 1, offset: 3, department: '69', applications: true, timeZone: PARAMETERS.agrement.timeZone },
    ]);
    // Issue 15: the read model's JSON served as is, inside the page.
    expect(parseJsonText(page)).toEqual({ total: 7, limit: 1, offset: 3, items: [row] });
  });

  it.each<[string, Partial<DashboardFilter>]>([
    ["a centre's or a coordinator's own organisations", { organisationIds: ['org-Centre A'] }],
    ['one kind of agrément', { kind: 'network' }],
    ['one network', { networkId: 'network-1' }],
  ])('APP-7 filtered to %s, the applications are not asked for (they have no kind, network or scope)', async (_, filter) => {
    const { repository, asked } = readModel();
    await overdueIn(repository, { ...all, ...filter });
    expect(asked.map((f) => f.applications)).toEqual([false]);
  });
});
