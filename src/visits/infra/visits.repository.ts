/**
 * Control visits (control_visits) and what planning reads of the other contexts' tables: the centres under a
 * running agrément (VIS-1, ELIG-4), the conformity visits due (APP-3), the sessions still planned (SES-1).
 */
import type { Db } from '../../shared/database/db';
import type { StoredFindings } from '../domain/findings';
import type { InspectorKind, VisitKind } from '../domain/planner';
import { appendToLog } from '../../shared/event-log/event-log';
import type {
  ConformityVisitDue,
  PersistedVisit,
  PlannedVisitSlot,
  ScheduledSession,
  VisitRecord,
  VisitsRepository,
  VisitTarget,
} from '../usecases/ports';
import { transactionManager } from '../../shared/database/db';

export const CONTROL_VISIT_STREAM = 'control-visit';
/** Serialises plannings: two plans at once would book the same inspectors twice. */
export const PLANNING_LOCK = 748_215_005;
/** VIS-1: an agrément in these states is running: its centres may be visited. */
const LIVE_STATES = ['active', 'suspended', 'under-notice', 'terminating'];

interface VisitRow {
  id: string;
  organisation_id: string;
  organisation_name: string;
  organisation_email: string;
  department: string | null;
  agrement_id: string | null;
  application_id: string | null;
  inspector_id: string;
  inspector_name: string;
  inspector_email: string;
  inspector_kind: InspectorKind;
  kind: VisitKind;
  planned_on: string;
  letter_sent_by: string | null;
  session_id: string | null;
  cost_eur: string;
  status: 'planned' | 'done' | 'cancelled';
  findings: StoredFindings | null;
  created_at: Date;
}

const VISIT_SELECT = `
  SELECT v.id, v.organisation_id, o.name AS organisation_name, o.email AS organisation_email, o.department,
         v.agrement_id, v.application_id, v.inspector_id, i.name AS inspector_name, i.email AS inspector_email, i.kind AS inspector_kind,
         v.kind, to_char(v.planned_on, 'YYYY-MM-DD') AS planned_on, to_char(v.letter_sent_by, 'YYYY-MM-DD') AS letter_sent_by,
         v.session_id, v.cost_eur::text AS cost_eur, v.status, v.findings, v.created_at
    FROM control_visits v JOIN organisations o ON o.id = v.organisation_id JOIN inspectors i ON i.id = v.inspector_id`;

function toVisit(r: VisitRow): VisitRecord {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    organisationEmail: r.organisation_email,
    department: r.department,
    agrementId: r.agrement_id,
    applicationId: r.application_id,
    inspectorId: r.inspector_id,
    inspectorName: r.inspector_name,
    inspectorEmail: r.inspector_email,
    inspectorKind: r.inspector_kind,
    kind: r.kind,
    plannedOn: r.planned_on,
    letterSentBy: r.letter_sent_by,
    sessionId: r.session_id,
    costEur: Number(r.cost_eur),
    status: r.status,
    findings: r.findings,
    createdAt: r.created_at,
  };
}

export function visitsRepository(db: Db): VisitsRepository {
  return {
    async lockPlanning() {
      await db.query('SELECT pg_advisory_xact_lock($1)', [PLANNING_LOCK]);
    },

    /**
     * The centres under an agrément: a centre's own, or, for a network (ELIG-4), each member's (the coordinating
     * organisation itself when no member is registered). A centre with its own agrément is visited under it.
     */
    async agrementTargets(filter): Promise<VisitTarget[]> {
      const params: unknown[] = [LIVE_STATES];
      const organisationClause = filter.organisationId ? `AND o.id = $${params.push(filter.organisationId)}` : '';
      const rows: Array<{
        organisation_id: string;
        name: string;
        email: string;
        department: string | null;
        network_id: string | null;
        agrement_id: string;
      }> = await db.query(
        `SELECT DISTINCT ON (o.id) o.id AS organisation_id, o.name, o.email, o.department, a.id AS agrement_id,
                CASE WHEN a.kind = 'network' THEN a.organisation_id ELSE o.network_id END AS network_id
           FROM agrements a
           JOIN organisations o
             ON (a.kind = 'centre' AND o.id = a.organisation_id)
             OR (a.kind = 'network' AND (o.network_id = a.organisation_id
                  OR (o.id = a.organisation_id AND NOT EXISTS (SELECT 1 FROM organisations m WHERE m.network_id = a.organisation_id))))
          WHERE ${filter.liveOnly ? 'a.state = ANY($1)' : 'true'} ${organisationClause}
          ORDER BY o.id, (a.state = ANY($1)) DESC, (a.kind = 'centre') DESC, a.start_on DESC`,
        params,
      );
      return rows.map((r) => ({
        organisationId: r.organisation_id,
        name: r.name,
        email: r.email,
        department: r.department,
        networkId: r.network_id,
        agrementId: r.agrement_id,
      }));
    },

    async visitsPlannedBetween(from, to): Promise<PlannedVisitSlot[]> {
      const rows: Array<{ id: string; organisation_id: string; inspector_id: string; planned_on: string; kind: VisitKind }> =
        await db.query(
          `SELECT id, organisation_id, inspector_id, to_char(planned_on, 'YYYY-MM-DD') AS planned_on, kind
           FROM control_visits WHERE status <> 'cancelled' AND planned_on BETWEEN $1 AND $2 ORDER BY planned_on, id`,
          [from, to],
        );
      return rows.map((r) => ({
        id: r.id,
        organisationId: r.organisation_id,
        inspectorId: r.inspector_id,
        plannedOn: r.planned_on,
        kind: r.kind,
      }));
    },

    async conformityVisitsDue(): Promise<ConformityVisitDue[]> {
      const rows: Array<{
        application_id: string;
        organisation_id: string;
        name: string;
        department: string | null;
        network_id: string | null;
      }> = await db.query(
        `SELECT ap.id AS application_id, o.id AS organisation_id, o.name, o.department,
                CASE WHEN ap.kind = 'network' THEN o.id ELSE o.network_id END AS network_id
           FROM applications ap JOIN organisations o ON o.id = ap.organisation_id
          WHERE ap.state IN ('admissible', 'referent-trained')
            AND ap.procedure->'conformityVisit'->>'required' = 'true'
            AND ap.procedure->'conformityVisit'->>'on' IS NULL
            AND NOT EXISTS (SELECT 1 FROM control_visits v WHERE v.application_id = ap.id AND v.status <> 'cancelled')
          ORDER BY ap.id`,
      );
      return rows.map((r) => ({
        applicationId: r.application_id,
        organisationId: r.organisation_id,
        name: r.name,
        department: r.department,
        networkId: r.network_id,
      }));
    },

    /** VIS-1: the sessions still planned in the period, per centre, as reported through the sessions API (SES-1). */
    async scheduledSessions(organisationIds, from, to) {
      const result = new Map<string, ScheduledSession[]>();
      if (organisationIds.length === 0) return result;
      const rows: Array<{ centre_id: string; session_id: string; date: string }> = await db.query(
        `SELECT organisation_id AS centre_id, id AS session_id, to_char(date, 'YYYY-MM-DD') AS date FROM sessions
          WHERE status = 'planned' AND organisation_id = ANY($1) AND date BETWEEN $2 AND $3 ORDER BY date, id`,
        [organisationIds, from, to],
      );
      for (const r of rows) {
        const list = result.get(r.centre_id) ?? [];
        list.push({ sessionId: r.session_id, date: r.date });
        result.set(r.centre_id, list);
      }
      return result;
    },

    async recordPlannedVisits(visits: readonly PersistedVisit[], { actor, at, period }) {
      const m = transactionManager(db);
      for (const v of visits) {
        await m.query(
          `INSERT INTO control_visits (id, organisation_id, agrement_id, application_id, inspector_id, kind, planned_on, letter_sent_by, session_id, cost_eur, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'planned')`,
          [
            v.id,
            v.organisationId,
            v.agrementId,
            v.applicationId,
            v.inspectorId,
            v.kind,
            v.plannedOn,
            v.letterSentBy,
            v.sessionId,
            v.costEur,
          ],
        );
      }
      await appendToLog(
        m,
        visits.map((v) => ({
          eventKey: `${CONTROL_VISIT_STREAM}:${v.id}:planned`,
          streamType: CONTROL_VISIT_STREAM,
          streamId: v.id,
          type: 'visit-planned',
          ruleIds: v.ruleIds,
          fromState: null,
          toState: 'planned',
          actor,
          reason: null,
          data: {
            organisationId: v.organisationId,
            agrementId: v.agrementId,
            applicationId: v.applicationId,
            inspectorId: v.inspectorId,
            kind: v.kind,
            plannedOn: v.plannedOn,
            letterSentBy: v.letterSentBy,
            sessionId: v.sessionId,
            riskScore: v.riskScore,
            costEur: v.costEur,
            period: { from: period.from, to: period.to },
          },
          occurredAt: at,
        })),
      );
    },

    async findVisit(visitId, options = {}) {
      const [row]: VisitRow[] = await db.query(`${VISIT_SELECT} WHERE v.id = $1 ${options.lock ? 'FOR UPDATE OF v' : ''}`, [visitId]);
      return row ? toVisit(row) : null;
    },

    async plannedVisits(visitIds) {
      const rows: VisitRow[] = await db.query(`${VISIT_SELECT} WHERE v.id = ANY($1) AND v.status = 'planned' ORDER BY v.planned_on, v.id`, [
        visitIds,
      ]);
      return rows.map(toVisit);
    },

    async visitsBetween(from, to, inspectorId, organisationId) {
      const params: unknown[] = [from, to];
      const mine = inspectorId ? `AND v.inspector_id = $${params.push(inspectorId)}` : '';
      const centre = organisationId ? `AND v.organisation_id = $${params.push(organisationId)}` : '';
      const rows: VisitRow[] = await db.query(
        `${VISIT_SELECT} WHERE v.planned_on BETWEEN $1 AND $2 ${mine} ${centre} ORDER BY v.planned_on, o.name, v.id`,
        params,
      );
      return rows.map(toVisit);
    },

    async inspectorHasVisited(inspectorId, organisationId) {
      const rows: unknown[] = await db.query(`SELECT 1 FROM control_visits WHERE inspector_id = $1 AND organisation_id = $2 LIMIT 1`, [
        inspectorId,
        organisationId,
      ]);
      return rows.length > 0;
    },

    async recordFindings(visitId, v, findings, { actor, at }) {
      const m = transactionManager(db);
      const { input } = findings;
      await m.query(`UPDATE control_visits SET status = 'done', findings = $2, cost_eur = COALESCE($3, cost_eur) WHERE id = $1`, [
        visitId,
        JSON.stringify(findings),
        findings.chargedCostEur,
      ]);
      await appendToLog(m, [
        {
          eventKey: `${CONTROL_VISIT_STREAM}:${visitId}:findings`,
          streamType: CONTROL_VISIT_STREAM,
          streamId: visitId,
          type: 'findings-recorded',
          ruleIds: v.kind === 'conformity' ? ['VIS-4', 'APP-3'] : ['VIS-4'],
          fromState: 'planned',
          toState: 'done',
          actor,
          reason: input.summary?.trim() || null,
          data: {
            organisationId: v.organisationId,
            agrementId: v.agrementId,
            applicationId: v.applicationId,
            checklist: input.checklist,
            failed: findings.failed,
            serious: findings.serious,
            ...(findings.chargedCostEur !== null ? { actualCostEur: input.costEur, chargedCostEur: findings.chargedCostEur } : {}),
          },
          occurredAt: at,
        },
        ...findings.proposals.map((p) => ({
          eventKey: `${CONTROL_VISIT_STREAM}:${visitId}:proposal:${p.kind}`,
          streamType: CONTROL_VISIT_STREAM,
          streamId: visitId,
          type: `${p.kind}-proposed`,
          ruleIds: [p.ruleId, 'VIS-4', 'BRE-4'],
          fromState: 'done',
          toState: 'done',
          actor,
          reason: p.reasonFr,
          data: { organisationId: v.organisationId, agrementId: v.agrementId, automatic: p.automatic, failed: findings.failed },
          occurredAt: at,
        })),
      ]);
    },
  };
}
