/**
 * Inspectors management for operations (VIS-5): create, list, read, change availability and areas,
 * deactivate. Every change is audited in the event log (stream "inspector"). Changes take the planning
 * lock, so a plan being computed never assigns an inspector who is being changed or retired.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { PARAMETERS } from '../../config/parameters';
import { actorLabel, type Principal } from '../../access/domain/roles';
import { InvalidCommand, NotFound, TransitionRefused } from '../../shared/domain/errors';
import {
  assertCanDeactivate,
  assertPlannedVisitsKept,
  type InspectorInput,
  normaliseDepartments,
  normaliseUnavailability,
  type PlannedVisitOf,
  type Unavailability,
  validateCapacity,
  validateInspector,
  validateWindow,
} from '../domain/inspectors';
import { INSPECTOR_KINDS, type InspectorKind } from '../domain/planner';
import { dateIn } from '../../shared/domain/zoned-time';
import { appendToLog } from '../../shared/event-log/event-log';
import { PLANNING_LOCK } from './visits';

export const INSPECTOR_STREAM = 'inspector';

export interface InspectorDeps {
  db: DataSource;
  now: () => Date;
}

export interface InspectorView {
  id: string;
  kind: InspectorKind;
  name: string;
  email: string;
  organisation: { id: string; name: string } | null;
  networkId: string | null;
  departments: string[];
  capacity: number;
  availableFrom: string;
  availableTo: string | null;
  unavailable: Unavailability[];
  active: boolean;
  deactivatedAt: string | null;
  deactivationReason: string | null;
  createdAt: string;
  /** Visits still to make (status planned), soonest first. */
  plannedVisits: Array<PlannedVisitOf & { organisationName: string; kind: string }>;
  visitsDone: number;
}

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

type PlannedRow = { visit_id: string; inspector_id: string; organisation_id: string; organisation_name: string; department: string | null; planned_on: string; kind: string };

async function plannedVisits(db: DataSource | EntityManager, inspectorIds: string[]): Promise<Map<string, InspectorView['plannedVisits']>> {
  const result = new Map<string, InspectorView['plannedVisits']>();
  if (inspectorIds.length === 0) return result;
  const rows: PlannedRow[] = await db.query(
    `SELECT v.id AS visit_id, v.inspector_id, v.organisation_id, o.name AS organisation_name, o.department,
            to_char(v.planned_on, 'YYYY-MM-DD') AS planned_on, v.kind
       FROM control_visits v JOIN organisations o ON o.id = v.organisation_id
      WHERE v.inspector_id = ANY($1) AND v.status = 'planned'
      ORDER BY v.planned_on, v.id`,
    [inspectorIds],
  );
  for (const r of rows) {
    const list = result.get(r.inspector_id) ?? [];
    list.push({ visitId: r.visit_id, organisationId: r.organisation_id, organisationName: r.organisation_name, department: r.department, plannedOn: r.planned_on, kind: r.kind });
    result.set(r.inspector_id, list);
  }
  return result;
}

function toView(r: InspectorRow, planned: InspectorView['plannedVisits']): InspectorView {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    email: r.email,
    organisation: r.organisation_id ? { id: r.organisation_id, name: r.organisation_name ?? '' } : null,
    networkId: r.network_id,
    departments: r.departments,
    capacity: r.capacity,
    availableFrom: r.available_from,
    availableTo: r.available_to,
    unavailable: r.unavailable,
    active: r.active,
    deactivatedAt: r.deactivated_at ? r.deactivated_at.toISOString() : null,
    deactivationReason: r.deactivation_reason,
    createdAt: r.created_at.toISOString(),
    plannedVisits: planned,
    visitsDone: r.visits_done,
  };
}

async function findRow(db: DataSource | EntityManager, id: string, lock = false): Promise<InspectorRow> {
  const [row]: InspectorRow[] = await db.query(`${INSPECTOR_SELECT} WHERE i.id = $1 ${lock ? 'FOR UPDATE OF i' : ''}`, [id]);
  if (!row) throw new NotFound(`inspector ${id} not found`, { inspectorId: id });
  return row;
}

async function view(db: DataSource | EntityManager, id: string): Promise<InspectorView> {
  const row = await findRow(db, id);
  return toView(row, (await plannedVisits(db, [id])).get(id) ?? []);
}

const todayOf = (now: Date) => dateIn(now, PARAMETERS.agrement.timeZone);

function audit(m: EntityManager, inspectorId: string, type: string, principal: Principal, at: Date, data: Record<string, unknown>, reason: string | null = null) {
  return appendToLog(m, [
    {
      eventKey: `${INSPECTOR_STREAM}:${inspectorId}:${type}:${type === 'inspector-created' ? 'once' : randomUUID()}`,
      streamType: INSPECTOR_STREAM,
      streamId: inspectorId,
      type,
      ruleIds: ['VIS-5'],
      fromState: null,
      toState: null,
      actor: actorLabel(principal),
      reason,
      data,
      occurredAt: at,
    },
  ]);
}

function refuseInactive(row: InspectorRow): void {
  if (!row.active) {
    throw new TransitionRefused('VIS-5', `the inspector was deactivated on ${row.deactivated_at!.toISOString().slice(0, 10)}: kept for history, no longer assigned or changed`, {
      inspectorId: row.id,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// POST /inspectors

export type CreateInspectorBody = Omit<Partial<InspectorInput>, 'availableFrom'> & { availableFrom?: string };

/** VIS-5: a new inspector; e-mail unique (DATA-3: an inspector signs in as the user with this e-mail). */
export async function createInspector(deps: InspectorDeps, body: CreateInspectorBody, principal: Principal): Promise<InspectorView> {
  const input = validateInspector({ ...body, availableFrom: body.availableFrom ?? todayOf(deps.now()) } as Record<string, unknown>);
  const id = randomUUID();
  await deps.db.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock($1)', [PLANNING_LOCK]);
    for (const field of ['organisationId', 'networkId'] as const) {
      const ref = input[field];
      if (!ref) continue;
      const found: unknown[] = await m.query('SELECT 1 FROM organisations WHERE id = $1', [ref]);
      if (found.length === 0) throw new InvalidCommand(field, `${field}: no organisation ${ref}`);
    }
    const [taken]: { id: string }[] = await m.query('SELECT id FROM inspectors WHERE lower(email) = lower($1)', [input.email]);
    if (taken) throw new TransitionRefused('DATA-3', `an inspector with the e-mail ${input.email} already exists`, { inspectorId: taken.id });
    await m.query(
      `INSERT INTO inspectors (id, name, email, kind, organisation_id, network_id, departments, available_from, available_to, capacity, unavailable, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [id, input.name, input.email, input.kind, input.organisationId, input.networkId, input.departments, input.availableFrom, input.availableTo, input.capacity, JSON.stringify(input.unavailable), deps.now()],
    );
    await audit(m, id, 'inspector-created', principal, deps.now(), { ...input });
  });
  return view(deps.db, id);
}

// ---------------------------------------------------------------------------------------------
// GET /inspectors, GET /inspectors/:id

export interface InspectorQuery {
  /** 'true' (default), 'false' or 'all'. */
  active?: string;
  department?: string;
  kind?: string;
}

export async function listInspectors(db: DataSource, query: InspectorQuery): Promise<{ items: InspectorView[] }> {
  const params: unknown[] = [];
  const where: string[] = [];
  const active = query.active ?? 'true';
  if (!['true', 'false', 'all'].includes(active)) throw new InvalidCommand('active', 'active must be true, false or all');
  if (active !== 'all') where.push(`i.active = $${params.push(active === 'true')}`);
  if (query.department !== undefined) where.push(`$${params.push(normaliseDepartments([query.department], 'department')[0])} = ANY(i.departments)`);
  if (query.kind !== undefined) {
    if (!INSPECTOR_KINDS.includes(query.kind as InspectorKind)) throw new InvalidCommand('kind', `kind must be one of: ${INSPECTOR_KINDS.join(', ')}`);
    where.push(`i.kind = $${params.push(query.kind)}`);
  }
  const rows: InspectorRow[] = await db.query(`${INSPECTOR_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY i.name, i.id`, params);
  const planned = await plannedVisits(db, rows.map((r) => r.id));
  return { items: rows.map((r) => toView(r, planned.get(r.id) ?? [])) };
}

export async function getInspector(db: DataSource, id: string): Promise<InspectorView> {
  return view(db, id);
}

// ---------------------------------------------------------------------------------------------
// PUT /inspectors/:id/availability, PUT /inspectors/:id/areas

export interface AvailabilityBody {
  unavailable: Unavailability[];
  availableFrom?: string;
  /** Null: open-ended. Absent: unchanged. */
  availableTo?: string | null;
  capacity?: number;
}

async function change(
  deps: InspectorDeps,
  id: string,
  principal: Principal,
  apply: (row: InspectorRow) => { set: Record<string, unknown>; type: string; data: Record<string, unknown> },
): Promise<InspectorView> {
  await deps.db.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock($1)', [PLANNING_LOCK]);
    const row = await findRow(m, id, true);
    refuseInactive(row);
    const { set, type, data } = apply(row);
    assertPlannedVisitsKept((await plannedVisits(m, [id])).get(id) ?? [], {
      departments: (set.departments as string[] | undefined) ?? row.departments,
      availableFrom: (set.available_from as string | undefined) ?? row.available_from,
      availableTo: 'available_to' in set ? (set.available_to as string | null) : row.available_to,
      unavailable: (set.unavailable as Unavailability[] | undefined) ?? row.unavailable,
    });
    const columns = Object.keys(set);
    const values = columns.map((c) => (c === 'unavailable' ? JSON.stringify(set[c]) : set[c]));
    await m.query(`UPDATE inspectors SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...values]);
    await audit(m, id, type, principal, deps.now(), data);
  });
  return view(deps.db, id);
}

/** VIS-5: the days the inspector cannot visit (replaced as a whole), and optionally the engagement window and capacity. */
export async function updateAvailability(deps: InspectorDeps, id: string, body: AvailabilityBody, principal: Principal): Promise<InspectorView> {
  const unavailable = normaliseUnavailability(body.unavailable);
  const capacity = body.capacity === undefined ? undefined : validateCapacity(body.capacity);
  return change(deps, id, principal, (row) => {
    const window = validateWindow(body.availableFrom ?? row.available_from, body.availableTo === undefined ? row.available_to : body.availableTo);
    const set: Record<string, unknown> = { unavailable, available_from: window.availableFrom, available_to: window.availableTo };
    if (capacity !== undefined) set.capacity = capacity;
    return { set, type: 'availability-changed', data: { ...window, unavailable, ...(capacity !== undefined ? { capacity } : {}) } };
  });
}

/** VIS-5: the departments the inspector covers. */
export async function updateAreas(deps: InspectorDeps, id: string, body: { departments: string[] }, principal: Principal): Promise<InspectorView> {
  const departments = normaliseDepartments(body.departments);
  return change(deps, id, principal, (row) => ({ set: { departments }, type: 'areas-changed', data: { departments, previous: row.departments } }));
}

// ---------------------------------------------------------------------------------------------
// POST /inspectors/:id/deactivate

/** VIS-5: retires the inspector: kept for history (past visits, the log), never assigned again. Refused while visits are planned. */
export async function deactivateInspector(deps: InspectorDeps, id: string, body: { reason: string }, principal: Principal): Promise<InspectorView> {
  if (typeof body.reason !== 'string' || !body.reason.trim()) throw new InvalidCommand('reason', 'reason is required');
  await deps.db.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock($1)', [PLANNING_LOCK]);
    const row = await findRow(m, id, true);
    refuseInactive(row);
    assertCanDeactivate((await plannedVisits(m, [id])).get(id) ?? []);
    const at = deps.now();
    await m.query(`UPDATE inspectors SET active = false, deactivated_at = $2, deactivation_reason = $3 WHERE id = $1`, [id, at, body.reason.trim()]);
    await audit(m, id, 'inspector-deactivated', principal, at, {}, body.reason.trim());
  });
  return view(deps.db, id);
}
