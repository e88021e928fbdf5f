import { addDays, addMonths, isoDate, parseIsoDate } from '../../../../src/shared/domain/dates';
import { api, ok, type Schemas } from '../../api/client';
import { todayInParis } from '../../format/french';

type Agrement = Schemas['Agrement'];

/** How far back the page looks for control visits: conformity visits come before the first grant (APP-3). */
const VISITS_BEFORE_GRANT_MONTHS = 12;
const VISITS_AHEAD_DAYS = 366;
const LIST_LIMIT = 50;

/**
 * What the centre's page shows besides its agrément (issue 14): control visits and findings (VIS-1..4), the quality
 * record, the monthly statements (BIL-1) and, for a network, its members (ELIG-4). Each only for a role that may read
 * it (`null` otherwise: the section is not shown, and the API would refuse it anyway).
 */
export async function loadRecords(a: Agrement, can: (permission: string) => boolean) {
  const organisationId = a.organisation.id;
  const today = todayInParis();
  const since = a.firstGrantOn ?? a.startOn ?? today;
  const from = isoDate(addMonths(parseIsoDate(since), -VISITS_BEFORE_GRANT_MONTHS));
  const to = isoDate(addDays(parseIsoDate(today), VISITS_AHEAD_DAYS));
  const [visits, quality, statements, members] = await Promise.all([
    can('visits.read')
      ? api
          .GET('/visit-plans', { params: { query: { from, to, organisationId } } })
          .then(ok)
          .then((r) => [...r.visits].reverse())
      : null,
    can('visits.read')
      ? api.GET('/centres/{organisationId}/quality-events', { params: { path: { organisationId }, query: { limit: LIST_LIMIT } } }).then(ok)
      : null,
    can('statement.read') ? api.GET('/statements', { params: { query: { organisationId, limit: LIST_LIMIT } } }).then(ok) : null,
    a.kind === 'network'
      ? api
          .GET('/centres', { params: { query: { network: organisationId, limit: 1000 } } })
          .then(ok)
          .then((r) => r.items.filter((m) => m.organisationId !== organisationId))
      : null,
  ]);
  return { visits, quality, statements, members };
}

export type Records = Awaited<ReturnType<typeof loadRecords>>;
