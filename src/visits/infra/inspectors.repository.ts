/**
 * Inspectors (VIS-5): their records, the visits they still have to make, and the audit of every change (stream
 * "inspector").
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../shared/database/db';
import type { Unavailability } from '../domain/inspectors';
import type { InspectorKind } from '../domain/planner';
import { appendToLog } from '../../shared/event-log/event-log';
import type {
  AvailableInspector,
  InspectorAudit,
  InspectorPatch,
  InspectorPlannedVisit,
  InspectorRecord,
  InspectorsRepository,
} from '../usecases/ports';
import { transactionManager } from '../../shared/database/db';
import { PLANNING_LOCK } from './visits.repository';

export const INSPECTOR_STREAM = 'inspector';

interface InspectorRow {
  id: string;
  kind: InspectorKind;
  name: string;
  email: string;
  organisation_id: string | null;
  organisation_name: string | null;
  network_id: string | null;
  departments: string[];
  capacity: number;
  available_from: string;
  available_to: string | null;
  unavailable: Unavailability[];
  active: boolean;
  deactivated_at: Date | null;
  deactivation_reason: string | null;
  created_at: Date;
  visits_done: number;
}

const INSPECTOR_SELECT = `
  SELECT i.id, i.kind, i.name, i.email, i.organisation_id, o.name AS organisation_name, i.network_id, i.departments, i.capacity,
         to_char(i.available_from, 'YYYY-MM-DD') AS available_from, to_char(i.available_to, 'YYYY-MM-DD') AS available_to,
         i.unavailable, i.active, i.deactivated_at, i.deactivation_reason, i.created_at,
         (SELECT count(*)::int FROM control_visits v WHERE v.inspector_id = i.id AND v.status = 'done') AS visits_done
    FROM inspectors i LEFT JOIN organisations o ON o.id = i.organisation_id`;

function toInspector(r: InspectorRow): InspectorRecord {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    email: r.email,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    networkId: r.network_id,
    departments: r.departments,
    capacity: r.capacity,
    availableFrom: r.available_from,
    availableTo: r.available_to,
    unavailable: r.unavailable,
    active: r.active,
    deactivatedAt: r.deactivated_at,
    deactivationReason: r.deactivation_reason,
    createdAt: r.created_at,
    visitsDone: r.visits_done,
  };
}

/** The columns of a patch's fields. */
const PATCH_COLUMNS: Record<keyof InspectorPatch, string> = {
  unavailable: 'unavailable',
  availableFrom: 'available_from',
  availableTo: 'available_to',
  capacity: 'capacity',
  departments: 'departments',
};

function audit(db: Db, inspectorId: string, entry: InspectorAudit) {
  return appendToLog(transactionManager(db), [
    {
      eventKey: `${INSPECTOR_STREAM}:${inspectorId}:${entry.type}:${entry.type === 'inspector-created' ? 'once' : randomUUID()}`,
      streamType: INSPECTOR_STREAM,
      streamId: inspectorId,
      type: entry.type,
      ruleIds: ['VIS-5'],
      fromState: null,
      toState: null,
      actor: entry.actor,
      reason: entry.reason ?? null,
      data: entry.data,
      occurredAt: entry.at,
    },
  ]);
}

export function inspectorsRepository(db: Db): InspectorsRepository {
  return {
    async lockPlanning() {
      await db.query('SELECT pg_advisory_xact_lock($1)', [PLANNING_LOCK]);
    },

    async find(id, options = {}) {
      const [row]: InspectorRow[] = await db.query(`${INSPECTOR_SELECT} WHERE i.id = $1 ${options.lock ? 'FOR UPDATE OF i' : ''}`, [id]);
      return row ? toInspector(row) : null;
    },

    async list(filter) {
      const params: unknown[] = [];
      const where: string[] = [];
      if (filter.active !== undefined) where.push(`i.active = $${params.push(filter.active)}`);
      if (filter.department !== undefined) where.push(`$${params.push(filter.department)} = ANY(i.departments)`);
      if (filter.kind !== undefined) where.push(`i.kind = $${params.push(filter.kind)}`);
      const rows: InspectorRow[] = await db.query(
        `${INSPECTOR_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY i.name, i.id`,
        params,
      );
      return rows.map(toInspector);
    },

    async plannedVisits(inspectorIds) {
      const result = new Map<string, InspectorPlannedVisit[]>();
      if (inspectorIds.length === 0) return result;
      const rows: Array<{
        visit_id: string;
        inspector_id: string;
        organisation_id: string;
        organisation_name: string;
        department: string | null;
        planned_on: string;
        kind: string;
      }> = await db.query(
        `SELECT v.id AS visit_id, v.inspector_id, v.organisation_id, o.name AS organisation_name, o.department,
                  to_char(v.planned_on, 'YYYY-MM-DD') AS planned_on, v.kind
             FROM control_visits v JOIN organisations o ON o.id = v.organisation_id
            WHERE v.inspector_id = ANY($1) AND v.status = 'planned'
            ORDER BY v.planned_on, v.id`,
        [inspectorIds],
      );
      for (const r of rows) {
        const list = result.get(r.inspector_id) ?? [];
        list.push({
          visitId: r.visit_id,
          organisationId: r.organisation_id,
          organisationName: r.organisation_name,
          department: r.department,
          plannedOn: r.planned_on,
          kind: r.kind,
        });
        result.set(r.inspector_id, list);
      }
      return result;
    },

    async organisationExists(organisationId) {
      const found: unknown[] = await db.query('SELECT 1 FROM organisations WHERE id = $1', [organisationId]);
      return found.length > 0;
    },

    async idByEmail(email) {
      const [taken]: { id: string }[] = await db.query('SELECT id FROM inspectors WHERE lower(email) = lower($1)', [email]);
      return taken?.id ?? null;
    },

    async idOfUser(userId) {
      const [row]: { id: string }[] = await db.query(
        `SELECT i.id FROM inspectors i JOIN users u ON lower(u.email) = lower(i.email) WHERE u.id = $1`,
        [userId],
      );
      return row?.id ?? null;
    },

    async availableBetween(from, to): Promise<AvailableInspector[]> {
      const rows: Array<{
        id: string;
        name: string;
        email: string;
        kind: InspectorKind;
        organisation_id: string | null;
        network_id: string | null;
        departments: string[];
        available_from: string;
        available_to: string | null;
        capacity: number;
        unavailable: Array<{ from: string; to: string }>;
      }> = await db.query(
        `SELECT i.id, i.name, i.email, i.kind, i.organisation_id, COALESCE(i.network_id, o.network_id) AS network_id, i.departments,
                to_char(i.available_from, 'YYYY-MM-DD') AS available_from, to_char(i.available_to, 'YYYY-MM-DD') AS available_to, i.capacity,
                i.unavailable
           FROM inspectors i LEFT JOIN organisations o ON o.id = i.organisation_id
          WHERE i.active AND i.available_from <= $2 AND (i.available_to IS NULL OR i.available_to >= $1)
          ORDER BY i.id`,
        [from, to],
      );
      return rows.map((i) => ({
        id: i.id,
        name: i.name,
        email: i.email,
        kind: i.kind,
        organisationId: i.organisation_id,
        networkId: i.network_id,
        departments: i.departments,
        availableFrom: i.available_from,
        availableTo: i.available_to,
        capacity: i.capacity,
        unavailable: i.unavailable,
      }));
    },

    async create(input, entry) {
      await transactionManager(db).query(
        `INSERT INTO inspectors (id, name, email, kind, organisation_id, network_id, departments, available_from, available_to, capacity, unavailable, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          input.id,
          input.name,
          input.email,
          input.kind,
          input.organisationId,
          input.networkId,
          input.departments,
          input.availableFrom,
          input.availableTo,
          input.capacity,
          JSON.stringify(input.unavailable),
          input.createdAt,
        ],
      );
      await audit(db, input.id, entry);
    },

    async update(id, patch, entry) {
      const fields = Object.keys(patch) as Array<keyof InspectorPatch>;
      const values = fields.map((f) => (f === 'unavailable' ? JSON.stringify(patch[f]) : patch[f]));
      await transactionManager(db).query(
        `UPDATE inspectors SET ${fields.map((f, i) => `${PATCH_COLUMNS[f]} = $${i + 2}`).join(', ')} WHERE id = $1`,
        [id, ...values],
      );
      await audit(db, id, entry);
    },

    async deactivate(id, { at, reason }, entry) {
      await transactionManager(db).query(
        `UPDATE inspectors SET active = false, deactivated_at = $2, deactivation_reason = $3 WHERE id = $1`,
        [id, at, reason],
      );
      await audit(db, id, entry);
    },
  };
}
