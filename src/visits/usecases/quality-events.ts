import { randomUUID } from 'node:crypto';
import { PARAMETERS } from '../../config/parameters';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import { qualityEvent, type QualityEventInput } from '../domain/quality-events';
import { dateIn } from '../../shared/domain/zoned-time';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { qualityEventsRepository } from '../infra/quality-events.repository';
import type { QualityEventRecord } from './ports';

export { QUALITY_STREAM } from '../infra/quality-events.repository';

const view = (r: QualityEventRecord) => ({ id: r.id, kind: r.kind, occurredOn: r.occurredOn, ...r.details });

/**
 * Records a complaint, incident, fraud report or late finalisation about a centre (SES-13, SES-12,
 * SUS-1, SES-10) in its quality record, with its event-log entry, in one transaction; the control-visit
 * risk score reads it (VIS-1). A session named must be the centre's.
 */
export async function recordQualityEvent(
  deps: Pick<ApplicationDeps, 'db' | 'now'>,
  organisationId: string,
  input: QualityEventInput,
  actor: string,
) {
  const event = qualityEvent(input, dateIn(deps.now(), PARAMETERS.agrement.timeZone));
  const quality = qualityEventsRepository(deps.db);
  if (!(await quality.organisationExists(organisationId)))
    throw new NotFound(`organisation ${organisationId} not found`, { organisationId });
  if (event.sessionId) {
    if ((await quality.sessionOrganisation(event.sessionId)) !== organisationId) {
      throw new InvalidCommand('sessionId', `session ${event.sessionId} is not one of this centre's sessions`);
    }
  }
  const id = randomUUID();
  const { kind, occurredOn, ...details } = event;
  await deps.db.transaction(async (m) => {
    await qualityEventsRepository(m).record(
      { id, organisationId, kind, occurredOn, details },
      { ruleIds: [event.ruleId, 'VIS-1'], actor, reason: event.summary, at: deps.now() },
    );
  });
  return view({ id, kind, occurredOn, details });
}

/** A centre's quality record, newest first (?kind=). */
export async function listQualityEvents(
  deps: Pick<ApplicationDeps, 'db'>,
  organisationId: string,
  filter: { kind?: string; limit: number; offset: number },
) {
  const quality = qualityEventsRepository(deps.db);
  const kind = filter.kind ?? null;
  const total = await quality.count(organisationId, kind);
  const rows = await quality.list(organisationId, kind, { limit: filter.limit, offset: filter.offset });
  return { total, limit: filter.limit, offset: filter.offset, items: rows.map(view) };
}
