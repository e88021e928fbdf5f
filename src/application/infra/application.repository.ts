import type { DataSource } from 'typeorm';
import type { ApplicationData, Piece } from '../domain/application';
import { type Procedure, type ProcedureEvent } from '../domain/procedure';
import { procedureDeadline } from '../domain/procedure-clock';
import { NotFound } from '../../shared/domain/errors';
import { ApplicationEntity, OrganisationEntity, PieceEntity } from '../../entities';
import { appendToLog, type LogEntry, readStream } from '../../shared/event-log/event-log';
import type { Db } from '../../shared/database/db';
import { queueWorkflowStart, type QueuedWorkflowStart } from '../../shared/database/workflow-start-outbox';
import type { RecordedOrganisation } from '../domain/applicant';
import type { ApplicationRepository } from '../usecases/ports';

export const APPLICATION_STREAM = 'application';

export interface RegisterApplicationInput {
  applicationId: string;
  organisationId: string;
  /** Ids for network members, in the order of data.network.members. */
  memberIds: string[];
  data: ApplicationData;
  receivedAt: string;
  actor: string;
}

export function eventKey(applicationId: string, seq: number): string {
  return `${APPLICATION_STREAM}:${applicationId}:${seq}`;
}

/** Writes the organisation(s), the application and its opening event, all or nothing; a repeat is a no-op. */
export async function registerApplication(
  db: DataSource,
  input: RegisterApplicationInput,
  thenStart?: QueuedWorkflowStart,
): Promise<boolean> {
  return db.transaction(async (m) => {
    // The API and the workflow's first activity both register: the lock makes the second one a no-op.
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [input.applicationId]);
    const exists = await m.findOne(ApplicationEntity, { where: { id: input.applicationId }, select: { id: true } });
    if (exists) return false;
    const { data } = input;
    const org = data.organisation;
    // APP-1: a centre applies for its own organisation, already recorded (renewal or new application): it is reused as it stands.
    const orgExists = await m.exists(OrganisationEntity, { where: { id: input.organisationId } });
    if (!orgExists)
      await m.insert(OrganisationEntity, {
        id: input.organisationId,
        name: org.name,
        category: org.category,
        uai: org.uai ?? null,
        department: org.department ?? null,
        foreign: org.foreign,
        email: org.email,
        networkId: null,
      });
    const members = data.network?.members ?? [];
    for (const [i, member] of members.entries()) {
      await m.insert(OrganisationEntity, {
        id: input.memberIds[i],
        name: member.name,
        category: member.category,
        uai: member.uai ?? null,
        department: member.department ?? null,
        foreign: false,
        email: member.email,
        networkId: input.organisationId,
      });
    }
    await m.insert(ApplicationEntity, {
      id: input.applicationId,
      organisationId: input.organisationId,
      kind: data.kind,
      state: 'submitted',
      data,
      procedure: null,
      evaluation: null,
      receivedAt: new Date(input.receivedAt),
      version: 0,
    });
    await appendToLog(m, [
      {
        eventKey: eventKey(input.applicationId, 0),
        streamType: APPLICATION_STREAM,
        streamId: input.applicationId,
        type: 'application-submitted',
        ruleIds: ['APP-1', 'APP-7'],
        fromState: null,
        toState: 'submitted',
        actor: input.actor,
        reason: null,
        data: { kind: data.kind, organisation: org.name, members: members.length },
        occurredAt: new Date(input.receivedAt),
      },
    ]);
    if (thenStart) await queueWorkflowStart(m, thenStart);
    return true;
  });
}

/** Stores the pieces (each once, by id). */
export async function savePieces(db: DataSource, applicationId: string, pieces: Piece[]): Promise<void> {
  if (pieces.length === 0) return;
  await db
    .createQueryBuilder()
    .insert()
    .into(PieceEntity)
    .values(
      pieces.map((p) => ({
        id: p.id,
        applicationId,
        type: p.type,
        issuedOn: p.issuedOn ?? null,
        filename: p.filename,
        receivedAt: new Date(p.receivedAt),
      })),
    )
    .orIgnore()
    .execute();
}

export async function loadPieces(db: DataSource, applicationId: string): Promise<Piece[]> {
  const rows = await db.getRepository(PieceEntity).find({ where: { applicationId }, order: { receivedAt: 'ASC', id: 'ASC' } });
  return rows.map((r) => ({
    id: r.id,
    type: r.type as Piece['type'],
    issuedOn: r.issuedOn,
    filename: r.filename,
    receivedAt: r.receivedAt.toISOString(),
  }));
}

export async function saveEvaluation(db: DataSource, applicationId: string, evaluation: Record<string, unknown>): Promise<void> {
  await db.query(`UPDATE applications SET evaluation = $2 WHERE id = $1`, [applicationId, JSON.stringify(evaluation)]);
}

export interface RecordProcedureInput {
  procedure: Procedure;
  events: ProcedureEvent[];
  actor: string;
  reason: string | null;
  at: string;
}

/**
 * Projects a transition: the application's state and snapshot, and one log entry per event,
 * in one transaction. Keys derive from the procedure version, so a retry writes nothing twice
 * and an older snapshot never overwrites a newer one.
 */
export async function recordProcedure(db: DataSource, input: RecordProcedureInput): Promise<void> {
  const { procedure: p, events } = input;
  const at = new Date(input.at);
  const firstSeq = p.version - events.length + 1;
  await db.transaction(async (m) => {
    await m
      .createQueryBuilder()
      .update(ApplicationEntity)
      .set({
        state: p.state,
        procedure: p,
        version: p.version,
        procedureDeadline: p.clock.stoppedAt ? null : procedureDeadline(p.clock, at),
        overdueFlaggedAt: p.overdueFlaggedAt ? new Date(p.overdueFlaggedAt) : null,
      })
      .where('id = :id AND version <= :version', { id: p.applicationId, version: p.version })
      .execute();
    await appendToLog(
      m,
      events.map((e, i) => ({
        eventKey: eventKey(p.applicationId, firstSeq + i),
        streamType: APPLICATION_STREAM,
        streamId: p.applicationId,
        type: e.type,
        ruleIds: e.ruleIds,
        fromState: e.from,
        toState: e.to,
        actor: input.actor,
        reason: input.reason,
        data: e.data,
        occurredAt: at,
      })),
    );
  });
}

export interface ApplicationView {
  application: ApplicationEntity;
  organisation: OrganisationEntity;
  members: OrganisationEntity[];
  pieces: Piece[];
  timeline: LogEntry[];
}

export async function findApplication(db: DataSource, applicationId: string): Promise<ApplicationView> {
  const application = await db.getRepository(ApplicationEntity).findOne({ where: { id: applicationId } });
  if (!application) throw new NotFound(`application ${applicationId} not found`, { applicationId });
  const organisations = db.getRepository(OrganisationEntity);
  const [organisation, members, pieces, timeline] = await Promise.all([
    organisations.findOneOrFail({ where: { id: application.organisationId } }),
    organisations.find({ where: { networkId: application.organisationId }, order: { name: 'ASC' } }),
    loadPieces(db, applicationId),
    readStream(db, APPLICATION_STREAM, applicationId),
  ]);
  return { application, organisation, members, pieces, timeline };
}

export async function listApplications(
  db: DataSource,
  filter: { state?: string; overdue?: boolean; organisationIds?: string[]; limit: number; offset: number },
): Promise<{ total: number; items: (ApplicationEntity & { organisationName: string })[] }> {
  const qb = db
    .getRepository(ApplicationEntity)
    .createQueryBuilder('a')
    .innerJoin(OrganisationEntity, 'o', 'o.id = a.organisation_id')
    .addSelect('o.name', 'organisation_name')
    .orderBy('a.received_at', 'DESC')
    .addOrderBy('a.id', 'ASC');
  if (filter.state) qb.andWhere('a.state = :state', { state: filter.state });
  if (filter.overdue) qb.andWhere('a.overdue_flagged_at IS NOT NULL');
  // A centre's or coordinator's scope; an empty list matches nothing.
  if (filter.organisationIds) qb.andWhere('a.organisation_id = ANY(:organisationIds)', { organisationIds: filter.organisationIds });
  const total = await qb.getCount();
  const { entities, raw } = await qb.offset(filter.offset).limit(filter.limit).getRawAndEntities();
  return {
    total,
    items: entities.map((e, i) => Object.assign(e, { organisationName: String(raw[i]?.organisation_name ?? '') })),
  };
}

/** What the application use cases read besides the functions above. */
export function applicationRepository(db: Db): ApplicationRepository {
  return {
    async recordedOrganisation(organisationId: string): Promise<RecordedOrganisation | null> {
      const rows: RecordedOrganisation[] = await db.query('SELECT name, uai, email FROM organisations WHERE id = $1', [organisationId]);
      return rows[0] ?? null;
    },
  };
}
