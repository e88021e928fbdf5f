import type { DataSource } from 'typeorm';
import { NotFound } from '../../shared/domain/errors';
import { timelineView } from '../../audit/usecases/timeline';
import { parseJsonText } from '../../shared/domain/json-text';
import { dashboardRepository } from '../infra/dashboard.repository';

/** How far ahead a centre's timeline looks: past the end of a 3-year agrément. */
const HORIZON_DAYS = 4 * 366;

/**
 * One centre's whole timeline: what happened, from every stream of the event log that concerns it (its
 * agrément, its sessions with their deadlines and remedies, its statements, its control visits and its
 * quality record), newest first and paged; and what is coming, every deadline its workflows hold
 * (agrément, SES-10 finalisations, SES-12 remedies, BIL-1 statements), soonest first.
 */
export async function centreTimeline(db: DataSource, organisationId: string, page: { limit: number; offset: number; now: Date }) {
  const readModel = dashboardRepository(db);
  const organisation = await readModel.organisation(organisationId);
  if (!organisation) throw new NotFound(`organisation ${organisationId} not found`, { organisationId });
  const past = await readModel.centreHistory(organisationId, page);
  // The page's items only: its JSON parsed once, not wrapped in a page first.
  const upcoming = await readModel.upcomingDeadlines({
    organisationIds: [organisationId],
    days: HORIZON_DAYS,
    now: page.now,
    limit: 500,
    offset: 0,
  });
  return {
    organisation,
    past: {
      total: past.total,
      limit: page.limit,
      offset: page.offset,
      items: past.entries.map((e, i) => ({ stream: past.streams[i], ...timelineView([e])[0]! })),
    },
    upcoming: parseJsonText(upcoming.items),
  };
}
