import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/domain/roles';
import { requireDate } from '../../shared/domain/dates';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import type { StoredFindings } from '../domain/findings';
import type { InspectorKind, VisitKind } from '../domain/planner';
import { visitsRepository } from '../infra/visits.repository';
import { inspectorIdOf } from './inspector-scope';
import type { VisitRecord } from './ports';

// GET /visit-plans

export interface VisitView {
  id: string;
  organisationId: string;
  organisationName: string;
  department: string | null;
  agrementId: string | null;
  applicationId: string | null;
  inspector: { id: string; name: string; kind: InspectorKind };
  kind: VisitKind;
  plannedOn: string;
  letterSentBy: string | null;
  sessionId: string | null;
  costEur: number;
  status: string;
  findings: StoredFindings | null;
}

function toView(v: VisitRecord): VisitView {
  return {
    id: v.id,
    organisationId: v.organisationId,
    organisationName: v.organisationName,
    department: v.department,
    agrementId: v.agrementId,
    applicationId: v.applicationId,
    inspector: { id: v.inspectorId, name: v.inspectorName, kind: v.inspectorKind },
    kind: v.kind,
    plannedOn: v.plannedOn,
    letterSentBy: v.letterSentBy,
    sessionId: v.sessionId,
    costEur: v.costEur,
    status: v.status,
    findings: v.findings,
  };
}

/** The visits planned in [from, to] (any status), of one centre if asked (issue 14: the centre's page); an inspector sees only their own. */
export async function listVisits(
  db: DataSource,
  query: { from: string; to: string; organisationId?: string },
  principal: Principal,
): Promise<{ from: string; to: string; visits: VisitView[] }> {
  const from = requireDate('from', query.from);
  const to = requireDate('to', query.to);
  if (to < from) throw new InvalidCommand('to', 'to must be on or after from');
  const inspectorId = await inspectorIdOf(db, principal);
  const visits = await visitsRepository(db).visitsBetween(from, to, inspectorId, query.organisationId);
  return { from, to, visits: visits.map(toView) };
}

/** One visit (VIS-4: what the inspector records findings on); an inspector sees only their own (another's: 404). */
export async function getVisit(db: DataSource, visitId: string, principal: Principal): Promise<VisitView> {
  const inspectorId = await inspectorIdOf(db, principal);
  const visit = await visitsRepository(db).findVisit(visitId);
  if (!visit || (inspectorId && visit.inspectorId !== inspectorId)) throw new NotFound(`no control visit ${visitId}`, { visitId });
  return toView(visit);
}
