/**
 * Inspectors (VIS-5), pure: who may be one, where they inspect, when they cannot, and when operations may
 * retire one. Pix staff, managers of other centres (their own centre and network are never theirs to
 * inspect: the planner's conflictOfInterest) and contractors.
 */
import { requireDate } from '../../shared/domain/dates';
import { DEPARTMENT_PATTERN } from '../../shared/domain/regions';
import { InvalidCommand, TransitionRefused } from '../../shared/domain/errors';
import { INSPECTOR_KINDS, type InspectorKind } from './planner';

const DEPARTMENT = new RegExp(DEPARTMENT_PATTERN);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Days an inspector cannot visit, both included. */
export interface Unavailability {
  from: string;
  to: string;
  reason?: string;
}

export interface InspectorInput {
  kind: InspectorKind;
  name: string;
  email: string;
  /** VIS-5: the centre a centre manager manages (required for them). */
  organisationId?: string | null;
  /** VIS-5: the network the inspector belongs to, if any (a centre manager's is also read from their centre). */
  networkId?: string | null;
  /** Department codes the inspector covers. */
  departments: string[];
  /** Visits the inspector can make in a planned period. */
  capacity: number;
  availableFrom: string;
  /** Null: open-ended. */
  availableTo: string | null;
  unavailable: Unavailability[];
}

/** Departments: at least one, each a known code; duplicates dropped, sorted. */
export function normaliseDepartments(value: unknown, field = 'departments'): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidCommand(field, `${field} must list at least one department`);
  value.forEach((d, i) => {
    if (typeof d !== 'string' || !DEPARTMENT.test(d))
      throw new InvalidCommand(`${field}[${i}]`, `${field}[${i}] must be a department code such as 75, 2A or 974`);
  });
  return [...new Set(value as string[])].sort();
}

/** Unavailable ranges: each from ≤ to; sorted by start. */
export function normaliseUnavailability(value: unknown, field = 'unavailable'): Unavailability[] {
  if (!Array.isArray(value)) throw new InvalidCommand(field, `${field} must be a list of { from, to } ranges`);
  const ranges = value.map((r: unknown, i): Unavailability => {
    const range = (r ?? {}) as Record<string, unknown>;
    const from = requireDate(`${field}[${i}].from`, range.from);
    const to = requireDate(`${field}[${i}].to`, range.to);
    if (to < from) throw new InvalidCommand(`${field}[${i}].to`, `${field}[${i}].to must be on or after from`);
    const reason = typeof range.reason === 'string' && range.reason.trim() ? range.reason.trim() : undefined;
    return reason ? { from, to, reason } : { from, to };
  });
  return ranges.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
}

export function validateCapacity(value: unknown, field = 'capacity'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new InvalidCommand(field, `${field} must be a non-negative integer`);
  return value;
}

export function validateWindow(availableFrom: unknown, availableTo: unknown): { availableFrom: string; availableTo: string | null } {
  const from = requireDate('availableFrom', availableFrom);
  const to = availableTo === null || availableTo === undefined ? null : requireDate('availableTo', availableTo);
  if (to !== null && to < from) throw new InvalidCommand('availableTo', 'availableTo must be on or after availableFrom');
  return { availableFrom: from, availableTo: to };
}

/** VIS-5: a new inspector, checked and normalised. */
export function validateInspector(input: Readonly<Record<string, unknown>>): InspectorInput {
  if (!INSPECTOR_KINDS.includes(input.kind as InspectorKind)) {
    throw new InvalidCommand('kind', `kind must be one of: ${INSPECTOR_KINDS.join(', ')}`);
  }
  const kind = input.kind as InspectorKind;
  if (typeof input.name !== 'string' || !input.name.trim()) throw new InvalidCommand('name', 'name is required');
  if (typeof input.email !== 'string' || !EMAIL.test(input.email.trim()))
    throw new InvalidCommand('email', 'email must be an e-mail address');
  const organisationId = (input.organisationId as string | null | undefined) ?? null;
  // VIS-5: a centre manager inspects other centres; which one is theirs must be known to keep them away from it.
  if (kind === 'centre-manager' && !organisationId)
    throw new InvalidCommand('organisationId', 'a centre manager names the centre they manage (VIS-5)');
  if (kind !== 'centre-manager' && organisationId)
    throw new InvalidCommand('organisationId', 'only a centre manager belongs to a centre; use networkId for a network');
  return {
    kind,
    name: input.name.trim(),
    email: input.email.trim().toLowerCase(),
    organisationId,
    networkId: (input.networkId as string | null | undefined) ?? null,
    departments: normaliseDepartments(input.departments),
    capacity: validateCapacity(input.capacity),
    ...validateWindow(input.availableFrom, input.availableTo),
    unavailable: normaliseUnavailability(input.unavailable ?? []),
  };
}

/** Whether the inspector cannot visit on `day`. */
export function isUnavailable(unavailable: readonly Unavailability[] | undefined, day: string): boolean {
  return (unavailable ?? []).some((r) => r.from <= day && day <= r.to);
}

export interface PlannedVisitOf {
  visitId: string;
  organisationId: string;
  department: string | null;
  plannedOn: string;
}

/** Deactivation keeps the inspector for history; refused while visits are still theirs to make (VIS-5). */
export function assertCanDeactivate(planned: readonly PlannedVisitOf[]): void {
  if (planned.length > 0) {
    throw new TransitionRefused(
      'VIS-5',
      `the inspector still has ${planned.length} planned visit(s) (${planned.map((v) => v.plannedOn).join(', ')}): record their findings, or cancel or reassign them first`,
      { plannedVisits: planned.map((v) => ({ visitId: v.visitId, plannedOn: v.plannedOn })) },
    );
  }
}

/**
 * A change of availability or areas must not strand a planned visit: a visit on a day now unavailable or
 * outside the engagement, or in a department no longer covered (VIS-5) is refused, naming the visits.
 */
export function assertPlannedVisitsKept(
  planned: readonly PlannedVisitOf[],
  next: { departments: readonly string[]; availableFrom: string; availableTo: string | null; unavailable: readonly Unavailability[] },
): void {
  const stranded = planned.filter(
    (v) =>
      (v.department !== null && !next.departments.includes(v.department)) ||
      v.plannedOn < next.availableFrom ||
      (next.availableTo !== null && v.plannedOn > next.availableTo) ||
      isUnavailable(next.unavailable, v.plannedOn),
  );
  if (stranded.length > 0) {
    throw new TransitionRefused(
      'VIS-5',
      `the change would leave ${stranded.length} planned visit(s) without their inspector (${stranded.map((v) => `${v.plannedOn} in ${v.department ?? '?'}`).join(', ')}): cancel or reassign them first`,
      { plannedVisits: stranded.map((v) => ({ visitId: v.visitId, plannedOn: v.plannedOn, department: v.department })) },
    );
  }
}
