/**
 * Inspectors management for operations (VIS-5): create, list, read, change availability and areas,
 * deactivate. Every change is audited in the event log (stream "inspector"). Changes take the planning
 * lock, so a plan being computed never assigns an inspector who is being changed or retired.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PARAMETERS } from '../../config/parameters';
import { actorLabel, type Principal } from '../../access/domain/roles';
import { InvalidCommand, NotFound, TransitionRefused } from '../../shared/domain/errors';
import {
  assertCanDeactivate,
  assertPlannedVisitsKept,
  type InspectorInput,
  normaliseDepartments,
  normaliseUnavailability,
  type Unavailability,
  validateCapacity,
  validateInspector,
  validateWindow,
} from '../domain/inspectors';
import { INSPECTOR_KINDS, type InspectorKind } from '../domain/planner';
import { dateIn } from '../../shared/domain/zoned-time';
import { inspectorsRepository } from '../infra/inspectors.repository';
import type { InspectorFilter, InspectorPatch, InspectorPlannedVisit, InspectorRecord, InspectorsRepository } from './ports';

export { INSPECTOR_STREAM } from '../infra/inspectors.repository';

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
  plannedVisits: InspectorPlannedVisit[];
  visitsDone: number;
}

function toView(r: InspectorRecord, planned: InspectorPlannedVisit[]): InspectorView {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    email: r.email,
    organisation: r.organisationId ? { id: r.organisationId, name: r.organisationName ?? '' } : null,
    networkId: r.networkId,
    departments: r.departments,
    capacity: r.capacity,
    availableFrom: r.availableFrom,
    availableTo: r.availableTo,
    unavailable: r.unavailable,
    active: r.active,
    deactivatedAt: r.deactivatedAt ? r.deactivatedAt.toISOString() : null,
    deactivationReason: r.deactivationReason,
    createdAt: r.createdAt.toISOString(),
    plannedVisits: planned,
    visitsDone: r.visitsDone,
  };
}

async function findInspector(inspectors: InspectorsRepository, id: string, lock = false): Promise<InspectorRecord> {
  const row = await inspectors.find(id, { lock });
  if (!row) throw new NotFound(`inspector ${id} not found`, { inspectorId: id });
  return row;
}

async function plannedVisitsOf(inspectors: InspectorsRepository, id: string): Promise<InspectorPlannedVisit[]> {
  return (await inspectors.plannedVisits([id])).get(id) ?? [];
}

async function view(inspectors: InspectorsRepository, id: string): Promise<InspectorView> {
  const row = await findInspector(inspectors, id);
  return toView(row, await plannedVisitsOf(inspectors, id));
}

const todayOf = (now: Date) => dateIn(now, PARAMETERS.agrement.timeZone);

function refuseInactive(row: InspectorRecord): void {
  if (!row.active) {
    throw new TransitionRefused(
      'VIS-5',
      `the inspector was deactivated on ${row.deactivatedAt!.toISOString().slice(0, 10)}: kept for history, no longer assigned or changed`,
      {
        inspectorId: row.id,
      },
    );
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
    const inspectors = inspectorsRepository(m);
    await inspectors.lockPlanning();
    for (const field of ['organisationId', 'networkId'] as const) {
      const ref = input[field];
      if (!ref) continue;
      if (!(await inspectors.organisationExists(ref))) throw new InvalidCommand(field, `${field}: no organisation ${ref}`);
    }
    const taken = await inspectors.idByEmail(input.email);
    if (taken) throw new TransitionRefused('DATA-3', `an inspector with the e-mail ${input.email} already exists`, { inspectorId: taken });
    await inspectors.create(
      { ...input, id, createdAt: deps.now() },
      { type: 'inspector-created', actor: actorLabel(principal), at: deps.now(), data: { ...input } },
    );
  });
  return view(inspectorsRepository(deps.db), id);
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
  const filter: InspectorFilter = {};
  const active = query.active ?? 'true';
  if (!['true', 'false', 'all'].includes(active)) throw new InvalidCommand('active', 'active must be true, false or all');
  if (active !== 'all') filter.active = active === 'true';
  if (query.department !== undefined) filter.department = normaliseDepartments([query.department], 'department')[0];
  if (query.kind !== undefined) {
    if (!INSPECTOR_KINDS.includes(query.kind as InspectorKind))
      throw new InvalidCommand('kind', `kind must be one of: ${INSPECTOR_KINDS.join(', ')}`);
    filter.kind = query.kind as InspectorKind;
  }
  const inspectors = inspectorsRepository(db);
  const rows = await inspectors.list(filter);
  const planned = await inspectors.plannedVisits(rows.map((r) => r.id));
  return { items: rows.map((r) => toView(r, planned.get(r.id) ?? [])) };
}

export async function getInspector(db: DataSource, id: string): Promise<InspectorView> {
  return view(inspectorsRepository(db), id);
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
  apply: (row: InspectorRecord) => { set: InspectorPatch; type: string; data: Record<string, unknown> },
): Promise<InspectorView> {
  await deps.db.transaction(async (m) => {
    const inspectors = inspectorsRepository(m);
    await inspectors.lockPlanning();
    const row = await findInspector(inspectors, id, true);
    refuseInactive(row);
    const { set, type, data } = apply(row);
    assertPlannedVisitsKept(await plannedVisitsOf(inspectors, id), {
      departments: set.departments ?? row.departments,
      availableFrom: set.availableFrom ?? row.availableFrom,
      availableTo: 'availableTo' in set ? (set.availableTo as string | null) : row.availableTo,
      unavailable: set.unavailable ?? row.unavailable,
    });
    await inspectors.update(id, set, { type, actor: actorLabel(principal), at: deps.now(), data });
  });
  return view(inspectorsRepository(deps.db), id);
}

/** VIS-5: the days the inspector cannot visit (replaced as a whole), and optionally the engagement window and capacity. */
export async function updateAvailability(
  deps: InspectorDeps,
  id: string,
  body: AvailabilityBody,
  principal: Principal,
): Promise<InspectorView> {
  const unavailable = normaliseUnavailability(body.unavailable);
  const capacity = body.capacity === undefined ? undefined : validateCapacity(body.capacity);
  return change(deps, id, principal, (row) => {
    const window = validateWindow(
      body.availableFrom ?? row.availableFrom,
      body.availableTo === undefined ? row.availableTo : body.availableTo,
    );
    const set: InspectorPatch = { unavailable, availableFrom: window.availableFrom, availableTo: window.availableTo };
    if (capacity !== undefined) set.capacity = capacity;
    return { set, type: 'availability-changed', data: { ...window, unavailable, ...(capacity !== undefined ? { capacity } : {}) } };
  });
}

/** VIS-5: the departments the inspector covers. */
export async function updateAreas(
  deps: InspectorDeps,
  id: string,
  body: { departments: string[] },
  principal: Principal,
): Promise<InspectorView> {
  const departments = normaliseDepartments(body.departments);
  return change(deps, id, principal, (row) => ({
    set: { departments },
    type: 'areas-changed',
    data: { departments, previous: row.departments },
  }));
}

// ---------------------------------------------------------------------------------------------
// POST /inspectors/:id/deactivate

/** VIS-5: retires the inspector: kept for history (past visits, the log), never assigned again. Refused while visits are planned. */
export async function deactivateInspector(
  deps: InspectorDeps,
  id: string,
  body: { reason: string },
  principal: Principal,
): Promise<InspectorView> {
  if (typeof body.reason !== 'string' || !body.reason.trim()) throw new InvalidCommand('reason', 'reason is required');
  await deps.db.transaction(async (m) => {
    const inspectors = inspectorsRepository(m);
    await inspectors.lockPlanning();
    const row = await findInspector(inspectors, id, true);
    refuseInactive(row);
    assertCanDeactivate(await plannedVisitsOf(inspectors, id));
    const at = deps.now();
    const reason = body.reason.trim();
    await inspectors.deactivate(id, { at, reason }, { type: 'inspector-deactivated', actor: actorLabel(principal), at, data: {}, reason });
  });
  return view(inspectorsRepository(deps.db), id);
}
