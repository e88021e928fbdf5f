import { departmentsOfRegion, regionOfDepartment } from '../../shared/domain/regions';
import { quotaTarget } from '../domain/deadlines';
import { portfolioRepository } from '../infra/portfolio.repository';
import type { Db } from '../../shared/database/db';
import type { CentreSearchFilter, PendingProposalRow, PortfolioRepository, ProposalQueueFilter } from './ports';

/**
 * Issue 14: the operations screens' lists over the agréments: the centres and networks a person searches ("Centres et
 * réseaux") and the proposals waiting for the legal team ("Propositions", BRE-4). Filters arrive validated (the API's
 * edge); the region is resolved here to its departments (INSEE, src/shared/domain/regions.ts).
 */

export interface Page<T> {
  total: number;
  limit: number;
  offset: number;
  items: T[];
}

/** One row of the centre search as the API answers it (flat, so that its CSV has one column per field). */
export interface CentreSearchItem {
  organisationId: string;
  name: string;
  uai: string | null;
  department: string | null;
  /** INSEE region code of the department, and its name; null abroad. */
  region: string | null;
  regionName: string | null;
  kind: 'centre' | 'network';
  /** A member centre's network (its coordinating organisation). */
  networkId: string | null;
  networkName: string | null;
  agrementId: string;
  agrementHeldBy: 'self' | 'network';
  state: string;
  termOn: string;
  nextDeadline: string | null;
  nextDeadlineRuleId: string | null;
  nextDeadlineOn: string | null;
  /** QUO-3: candidates counted under the organisation's own agrément, against its target (null for a member: its network's agrément counts). */
  candidates: number | null;
  quotaTarget: number | null;
}

export type CentreSearchQuery = Omit<CentreSearchFilter, 'departments'> & { region?: string };
export type ProposalQueueQuery = Omit<ProposalQueueFilter, 'departments'> & { region?: string };

const region = (department: string | null) => (department ? regionOfDepartment(department) : null);

/** The repositories filter by department: a region (INSEE code) becomes its departments. */
function byDepartments<Q extends { region?: string }>(q: Q): Omit<Q, 'region'> & { departments?: readonly string[] } {
  const { region: regionCode, ...rest } = q;
  return { ...rest, ...(regionCode ? { departments: departmentsOfRegion(regionCode) ?? [] } : {}) };
}

export async function searchCentres(db: Db, q: CentreSearchQuery): Promise<Page<CentreSearchItem>> {
  return searchCentresIn(portfolioRepository(db), q);
}

/** searchCentres over its port. */
export async function searchCentresIn(repository: PortfolioRepository, q: CentreSearchQuery): Promise<Page<CentreSearchItem>> {
  const { total, items } = await repository.searchCentres(byDepartments(q));
  return {
    total,
    limit: q.limit,
    offset: q.offset,
    items: items.map((r) => {
      const own = r.agrementHeldBy === 'self';
      return {
        organisationId: r.organisationId,
        name: r.name,
        uai: r.uai,
        department: r.department,
        region: region(r.department)?.code ?? null,
        regionName: region(r.department)?.name ?? null,
        kind: r.kind,
        networkId: r.networkId,
        networkName: r.networkName,
        agrementId: r.agrementId,
        agrementHeldBy: r.agrementHeldBy,
        state: r.state,
        termOn: r.termOn,
        nextDeadline: r.nextDeadline?.name ?? null,
        nextDeadlineRuleId: r.nextDeadline?.ruleId ?? null,
        nextDeadlineOn: r.nextDeadline?.on ?? null,
        candidates: own ? r.candidates : null,
        quotaTarget: own ? quotaTarget(r.agrementKind) : null,
      };
    }),
  };
}

/** One proposal of the queue as the API answers it. */
export type PendingProposalItem = PendingProposalRow & { region: string | null };

/**
 * BRE-4: the engine proposes, a person of the legal team decides. Every proposal still open on a running agrément
 * (termination, formal notice, suspension), oldest first; each is confirmed or declined, with a reason, through
 * POST /agrements/{agrementId}/actions/confirm-proposal or decline-proposal with its proposalId. BRE-4 sets the legal
 * team no deadline to decide: the age of a proposal is what orders the queue.
 */
export async function pendingProposals(db: Db, q: ProposalQueueQuery): Promise<Page<PendingProposalItem>> {
  return pendingProposalsIn(portfolioRepository(db), q);
}

/** pendingProposals over its port. */
export async function pendingProposalsIn(repository: PortfolioRepository, q: ProposalQueueQuery): Promise<Page<PendingProposalItem>> {
  const { total, items } = await repository.pendingProposals(byDepartments(q));
  return {
    total,
    limit: q.limit,
    offset: q.offset,
    items: items.map(({ department, ...p }) => {
      const { proposalId, agrementId, agrementState, agrementKind, organisationId, organisationName, ...proposal } = p;
      const place = { department, region: region(department)?.code ?? null };
      return { proposalId, agrementId, agrementState, agrementKind, organisationId, organisationName, ...place, ...proposal };
    }),
  };
}
