import type { DataSource, EntityManager } from 'typeorm';
import type { ApplicationData } from '../../application/domain/application';
import type { Agrement, AgrementEvent } from '../domain/agrement';
import { NotFound } from '../../shared/domain/errors';
import type { DatedDeadline } from '../workflows/definitions';
import { AgrementEntity, OrganisationEntity } from '../../entities';
import type { Db } from '../../shared/database/db';
import { appendToLog, type LogEntry, readStream } from '../../shared/event-log/event-log';
import type { AgrementRepository } from '../usecases/ports';
import { quotaWindowEndOn } from '../domain/deadlines';
import { logRecords } from '../domain/procedures/quota';

export const AGREMENT_STREAM = 'agrement';

export interface RecordAgrementInput {
  agrement: Agrement;
  events: AgrementEvent[];
  deadlines: DatedDeadline[];
  actor: string;
  reason: string | null;
  evidence: string | null;
  at: string;
  /** The opening event (sequence 0). */
  opening?: boolean;
}

/**
 * Projects the agrément and appends its events in one transaction. Keys derive from the
 * agrément's version: a retried activity writes nothing twice, an older snapshot never wins.
 */
export async function recordAgrement(db: DataSource, input: RecordAgrementInput): Promise<void> {
  const a = input.agrement;
  const firstSeq = input.opening ? 0 : a.version - input.events.length + 1;
  await db.transaction(async (m) => {
    const [written]: { version: number }[] = await m.query(
      `INSERT INTO agrements (id, organisation_id, kind, state, start_on, term_on, first_grant_on, candidates, next_deadline_at, snapshot, deadlines, version,
                              open_proposals, renewal_missed_on, quota_window_end_on)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)
       ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, start_on = EXCLUDED.start_on, term_on = EXCLUDED.term_on,
         candidates = EXCLUDED.candidates, next_deadline_at = EXCLUDED.next_deadline_at, snapshot = EXCLUDED.snapshot,
         deadlines = EXCLUDED.deadlines, version = EXCLUDED.version, open_proposals = EXCLUDED.open_proposals,
         renewal_missed_on = EXCLUDED.renewal_missed_on, updated_at = now()
       WHERE agrements.version <= EXCLUDED.version
       RETURNING version`,
      [
        a.agrementId,
        a.organisationId,
        a.kind,
        a.state,
        a.startOn,
        a.termOn,
        a.firstGrantOn,
        a.quota.candidates,
        input.deadlines[0]?.at ?? null,
        JSON.stringify(a),
        JSON.stringify(input.deadlines),
        a.version,
        a.proposals.length,
        renewalMissedOn(a),
        // QUO-1: the quota window's end, for the dashboards (fixed by the first grant, which an update never changes).
        quotaWindowEndOn(a.firstGrantOn),
      ],
    );
    if (written) {
      // The dashboards' view of the pending deadlines, brought to the snapshot's: only the rows that differ are deleted and
      // inserted, as each row's triggers keep dashboard_deadlines (a QUO-3 count, the most frequent decision, changes none).
      const deadlines = JSON.stringify(input.deadlines);
      await m.query(
        `DELETE FROM agrement_deadlines d WHERE d.agrement_id = $1 AND NOT EXISTS (
           SELECT 1 FROM jsonb_array_elements($2::jsonb) n
            WHERE n->>'key' = d.key AND n->>'name' = d.name AND n->>'ruleId' = d.rule_id AND (n->>'on')::date = d.on_date AND (n->>'at')::timestamptz = d.at)`,
        [a.agrementId, deadlines],
      );
      if (input.deadlines.length) {
        // What is left under a key is the same deadline.
        await m.query(
          `INSERT INTO agrement_deadlines (agrement_id, key, name, rule_id, on_date, at)
           SELECT $1, d->>'key', d->>'name', d->>'ruleId', (d->>'on')::date, (d->>'at')::timestamptz FROM jsonb_array_elements($2::jsonb) d
           ON CONFLICT (agrement_id, key) DO NOTHING`,
          [a.agrementId, deadlines],
        );
      }
      await projectNetworkMembers(m, a, input.events);
    }
    await appendToLog(
      m,
      logRecords(input.events).map(({ event: e, offset }) => ({
        eventKey: `${AGREMENT_STREAM}:${a.agrementId}:${firstSeq + offset}`,
        streamType: AGREMENT_STREAM,
        streamId: a.agrementId,
        type: e.type,
        ruleIds: e.ruleIds,
        fromState: e.from,
        toState: e.to,
        actor: input.actor,
        reason: input.reason,
        data: input.evidence ? { ...e.data, evidence: input.evidence } : e.data,
        occurredAt: new Date(input.at),
      })),
    );
  });
}

/**
 * ELIG-4, QUO-1: a member joining is registered as an organisation of the network (sessions then count for the
 * network's agrément, its dashboards and visits include it; SUS-3 payability in force for the network covers it);
 * a member leaving is detached. Idempotent: a retried activity writes the same.
 */
async function projectNetworkMembers(m: EntityManager, a: Agrement, events: AgrementEvent[]): Promise<void> {
  for (const e of events) {
    // The member as the NET events record it (procedures/network.ts).
    const d = e.data as {
      organisationId: string;
      name?: string;
      category?: string;
      uai?: string | null;
      department?: string | null;
      email?: string;
    };
    if (e.type === 'member-joined') {
      await m.query(
        `INSERT INTO organisations (id, name, category, uai, department, is_foreign, email, network_id, amounts_payable_on, amounts_payable_rule_id)
         SELECT $1, $2, $3, $4, $5, false, $6, n.id, n.amounts_payable_on, n.amounts_payable_rule_id FROM organisations n WHERE n.id = $7
         ON CONFLICT (id) DO UPDATE SET network_id = EXCLUDED.network_id,
           amounts_payable_on = COALESCE(organisations.amounts_payable_on, EXCLUDED.amounts_payable_on),
           amounts_payable_rule_id = COALESCE(organisations.amounts_payable_rule_id, EXCLUDED.amounts_payable_rule_id)`,
        [d.organisationId, d.name, d.category, d.uai ?? null, d.department ?? null, d.email, a.organisationId],
      );
    } else if (e.type === 'member-left') {
      await m.query(`UPDATE organisations SET network_id = NULL WHERE id = $1 AND network_id = $2`, [d.organisationId, a.organisationId]);
    }
  }
}

export interface AgrementView {
  agrement: AgrementEntity;
  organisation: OrganisationEntity;
  timeline: LogEntry[];
}

export async function findAgrement(db: DataSource, agrementId: string): Promise<AgrementView> {
  const agrement = await db.getRepository(AgrementEntity).findOne({ where: { id: agrementId } });
  if (!agrement) throw new NotFound(`agrément ${agrementId} not found`, { agrementId });
  const [organisation, timeline] = await Promise.all([
    db.getRepository(OrganisationEntity).findOneOrFail({ where: { id: agrement.organisationId } }),
    readStream(db, AGREMENT_STREAM, agrementId),
  ]);
  return { agrement, organisation, timeline };
}

export async function listAgrements(
  db: DataSource,
  filter: { state?: string; organisationIds?: string[]; limit: number; offset: number },
): Promise<{ total: number; items: AgrementEntity[] }> {
  const qb = db.getRepository(AgrementEntity).createQueryBuilder('a').orderBy('a.next_deadline_at', 'ASC', 'NULLS LAST').addOrderBy('a.id');
  if (filter.state) qb.andWhere('a.state = :state', { state: filter.state });
  if (filter.organisationIds) qb.andWhere('a.organisation_id = ANY(:ids)', { ids: filter.organisationIds });
  const [items, total] = await qb.offset(filter.offset).limit(filter.limit).getManyAndCount();
  return { total, items };
}

/** The read model's answers to the checks made before a workflow is asked anything (ELIG-4, QUO-1). */
export function agrementRepository(db: Db): AgrementRepository {
  return {
    async latestNetworkApplication(organisationId: string): Promise<ApplicationData | null> {
      const rows: { data: ApplicationData }[] = await db.query(
        `SELECT data FROM applications WHERE organisation_id = $1 AND kind = 'network' ORDER BY received_at DESC LIMIT 1`,
        [organisationId],
      );
      return rows[0]?.data ?? null;
    },

    async runningAgrementIdsOf(organisationId: string): Promise<string[]> {
      const rows: { id: string }[] = await db.query(
        `SELECT id FROM agrements WHERE organisation_id = $1 AND state NOT IN ('expired', 'terminated')`,
        [organisationId],
      );
      return rows.map((r) => r.id);
    },
  };
}

/** AGR-2: the renewal deadline passed with no request (the workflow has handled its key). */
function renewalMissedOn(a: Agrement): string | null {
  if (a.renewal.requestedOn) return null;
  const key = a.handled.find((k) => k.startsWith('renewal-request-due:'));
  return key ? key.split(':')[1]! : null;
}
