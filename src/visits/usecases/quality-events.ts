import { randomUUID } from 'node:crypto';
import { PARAMETERS } from '../../config/parameters';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import { qualityEvent, type QualityEventInput } from '../domain/quality-events';
import { dateIn } from '../../shared/domain/zoned-time';
import { appendToLog } from '../../shared/event-log/event-log';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';

export const QUALITY_STREAM = 'centre-quality';

interface Row {
  id: string;
  kind: string;
  occurred_on: string;
  details: Record<string, unknown>;
}

const view = (r: Row) => ({ id: r.id, kind: r.kind, occurredOn: r.occurred_on, ...r.details });

/**
 * Records a complaint, incident, fraud report or late finalisation about a centre (SES-13, SES-12,
 * SUS-1, SES-10) in its quality record, with its event-log entry, in one transaction; the control-visit
 * risk score reads it (VIS-1). A session named must be the centre's.
 */
export async function recordQualityEvent(deps: Pick<ApplicationDeps, 'db' | 'now'>, organisationId: string, input: QualityEventInput, actor: string) {
  const event = qualityEvent(input, dateIn(deps.now(), PARAMETERS.agrement.timeZone));
  const [organisation]: { id: string }[] = await deps.db.query(`SELECT id FROM organisations WHERE id = $1`, [organisationId]);
  if (!organisation) throw new NotFound(`organisation ${organisationId} not found`, { organisationId });
  if (event.sessionId) {
    const [session]: { organisation_id: string }[] = await deps.db.query(`SELECT organisation_id FROM sessions WHERE id = $1`, [event.sessionId]);
    if (!session || session.organisation_id !== organisationId) throw new InvalidCommand('sessionId', `session ${event.sessionId} is not one of this centre's sessions`);
  }
  const id = randomUUID();
  const { kind, occurredOn, ...details } = event;
  await deps.db.transaction(async (m) => {
    await m.query(`INSERT INTO centre_quality_events (id, organisation_id, kind, occurred_on, details) VALUES ($1, $2, $3, $4, $5)`, [id, organisationId, kind, occurredOn, JSON.stringify(details)]);
    await appendToLog(m, [
      {
        eventKey: `${QUALITY_STREAM}:${id}`,
        streamType: QUALITY_STREAM,
        streamId: organisationId,
        type: `quality-${kind}`,
        ruleIds: [event.ruleId, 'VIS-1'],
        fromState: null,
        toState: null,
        actor,
        reason: event.summary,
        data: { id, kind, occurredOn, ...details },
        occurredAt: deps.now(),
      },
    ]);
  });
  return view({ id, kind, occurred_on: occurredOn, details });
}

/** A centre's quality record, newest first (?kind=). */
export async function listQualityEvents(deps: Pick<ApplicationDeps, 'db'>, organisationId: string, filter: { kind?: string; limit: number; offset: number }) {
  const params = [organisationId, filter.kind ?? null];
  const [{ total }]: { total: number }[] = await deps.db.query(
    `SELECT count(*)::int AS total FROM centre_quality_events WHERE organisation_id = $1 AND ($2::text IS NULL OR kind = $2)`,
    params,
  );
  const rows: Row[] = await deps.db.query(
    `SELECT id, kind, to_char(occurred_on, 'YYYY-MM-DD') AS occurred_on, details FROM centre_quality_events
      WHERE organisation_id = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY occurred_on DESC, id LIMIT $3 OFFSET $4`,
    [...params, filter.limit, filter.offset],
  );
  return { total, limit: filter.limit, offset: filter.offset, items: rows.map(view) };
}
