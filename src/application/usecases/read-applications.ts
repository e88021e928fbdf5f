import { timelineView } from '../../audit/usecases/timeline';
import { findApplication, listApplications } from '../infra/application.repository';
import { applicationWorkflowId } from '../workflows/definitions';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { netElapsedMs } from '../domain/procedure-clock';

/** One application with its state, timeline (event log) and rule explanations. */
export async function getApplication(deps: Pick<ApplicationDeps, 'db'>, applicationId: string) {
  const { application: a, organisation, members, pieces, timeline } = await findApplication(deps.db, applicationId);
  const p = a.procedure;
  return {
    id: a.id,
    workflowId: applicationWorkflowId(a.id),
    kind: a.kind,
    state: a.state,
    receivedAt: a.receivedAt.toISOString(),
    organisation: {
      id: organisation.id,
      name: organisation.name,
      category: organisation.category,
      uai: organisation.uai,
      department: organisation.department,
      foreign: organisation.foreign,
      email: organisation.email,
    },
    members: members.map((m) => ({ id: m.id, name: m.name, category: m.category, uai: m.uai, department: m.department, email: m.email })),
    data: a.data,
    pieces,
    procedure: p
      ? {
          // APP-7: the 2-month clock, net of the applicant's waits.
          clock: p.clock,
          procedureDeadline: a.procedureDeadline?.toISOString() ?? null,
          overdueFlaggedAt: a.overdueFlaggedAt?.toISOString() ?? null,
          missingPieces: p.missingPieces,
          rejectionReasons: p.rejectionReasons,
          conformityVisit: p.conformityVisit,
          referentTrainedOn: p.referentTrainedOn,
          grantedYears: p.grantedYears,
          adhesionFormReceivedOn: p.adhesionFormReceivedOn,
          attestationReceivedOn: p.attestationReceivedOn,
          termOn: p.termOn,
        }
      : null,
    evaluation: a.evaluation,
    timeline: timelineView(timeline),
  };
}

export async function listApplicationsView(
  deps: Pick<ApplicationDeps, 'db' | 'now'>,
  query: { state?: string; overdue?: boolean; organisationIds?: string[]; limit: number; offset: number },
) {
  const { total, items } = await listApplications(deps.db, query);
  const now = deps.now();
  return {
    total,
    limit: query.limit,
    offset: query.offset,
    items: items.map((a) => ({
      id: a.id,
      kind: a.kind,
      state: a.state,
      organisationName: a.organisationName,
      receivedAt: a.receivedAt.toISOString(),
      procedureDeadline: a.procedureDeadline?.toISOString() ?? null,
      overdueFlaggedAt: a.overdueFlaggedAt?.toISOString() ?? null,
      // APP-7: the time Pix has held the file so far, net of the applicant's waits (ms).
      netElapsedMs: a.procedure ? netElapsedMs(a.procedure.clock, now) : null,
    })),
  };
}
