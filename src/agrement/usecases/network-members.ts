import { randomUUID } from 'node:crypto';
import type { Agrement, JoiningMember, NetworkBaseline } from '../domain/agrement';
import type { ApplicationData, EligibilityCategory, NetworkMember as ApplicationMember } from '../../application/domain/application';
import { NotFound, TransitionRefused } from '../../shared/domain/errors';
import { dateIn } from '../../shared/domain/zoned-time';
import { agrementRepository, findAgrement } from '../infra/agrement.repository';
import { OrganisationEntity } from '../../entities';
import { evaluateEligibility, type Verdict } from '../../application/rules';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { uuidFromKey } from '../../shared/usecases/idempotent-ids';
import type { AgrementSnapshot } from '../workflows/definitions';
import { actOnAgrement } from './agrements';

/**
 * ELIG-4, QUO-1 (CdC §3.1.2, §3.2.2): operations record a member centre joining or leaving an agreed network, on
 * the coordinating entity's declaration. Checked at the edge before the workflow is asked anything: the network's
 * eligibility rules (src/application/rules/eligibility.rules.json, on the application facts of the network as it would stand)
 * refuse with 409 ELIG-4, naming each failing check (type A: every member individually eligible, ELIG-1; type B: the
 * departments covered, recomputed with the members' own). The workflow then records the change in the event log
 * (actor, reason, evidence) and the read model attaches the organisation to the network, so that its finalised
 * sessions count for the network's quota (QUO-1: members have none of their own).
 */

export interface MemberDetails {
  name: string;
  category: EligibilityCategory;
  uai?: string | null;
  department?: string | null;
  email: string;
}

export interface JoinNetworkInput {
  /** An organisation already known (e.g. a centre that left), or the new member's details. */
  organisationId?: string;
  member?: MemberDetails;
  on?: string;
  actor: string;
  reason: string;
  evidence?: string | null;
}

export interface LeaveNetworkInput {
  organisationId: string;
  on?: string;
  actor: string;
  reason: string;
  evidence?: string | null;
}

interface NetworkContext {
  agrement: Agrement;
  /** The coordinating organisation (the agrément's). */
  networkId: string;
  today: string;
  baseline: NetworkBaseline;
  members: OrganisationEntity[];
  /** The network's latest application, for the facts the rules read. */
  application: ApplicationData | null;
}

const refused = (message: string, details: Record<string, unknown> = {}) => new TransitionRefused('ELIG-4', message, details);

async function networkOf(deps: ApplicationDeps, agrementId: string): Promise<NetworkContext> {
  const { agrement: row } = await findAgrement(deps.db, agrementId);
  const a = row.snapshot as Agrement;
  if (row.kind !== 'network')
    throw refused("a centre's agrément has no member centres: only a network's does (ELIG-4, CdC §3.1.2)", { kind: row.kind });
  if (row.state === 'expired' || row.state === 'terminated') {
    throw new TransitionRefused(
      'TER-5',
      `the agrément has ${row.state === 'expired' ? 'expired' : 'ended'}: its members no longer change (TER-5)`,
      { state: row.state },
    );
  }
  const [members, application] = await Promise.all([
    deps.db.getRepository(OrganisationEntity).find({ where: { networkId: row.organisationId }, order: { name: 'ASC' } }),
    agrementRepository(deps.db).latestNetworkApplication(row.organisationId),
  ]);
  const baseline: NetworkBaseline = {
    type: a.network?.type ?? application?.network?.type ?? null,
    departmentsCommitted: a.network?.departmentsCommitted ?? application?.network?.departmentsCovered ?? [],
    members: members.map((m) => ({ organisationId: m.id, name: m.name, category: m.category, department: m.department })),
  };
  return { agrement: a, networkId: row.organisationId, today: dateIn(deps.now(), a.timeZone), baseline, members, application };
}

const asMember = (m: {
  name: string;
  category: string;
  uai?: string | null;
  department?: string | null;
  email: string;
}): ApplicationMember => ({
  name: m.name,
  category: m.category as EligibilityCategory,
  uai: m.uai ?? null,
  department: m.department ?? null,
  email: m.email,
});

/**
 * ELIG-4: the failing checks of the eligibility rules on the network as it would stand with `members`. The rules
 * judge the network's type and members (type A: ELIG-1 for each; type B: the departments, the committed ones with
 * the members' own); the other rules (argument, commitments: APP-1, ELIG-2, ELIG-5) judged the application itself.
 */
async function membershipFailures(ctx: NetworkContext, members: ApplicationMember[]): Promise<Verdict[]> {
  const base = ctx.application;
  const memberDepartments = members.map((m) => m.department).filter((d): d is string => !!d && d.trim() !== '');
  const data: ApplicationData = {
    kind: 'network',
    organisation: base?.organisation ?? {
      name: ctx.agrement.organisationName,
      category: 'other',
      foreign: ctx.agrement.foreign,
      email: ctx.agrement.email,
    },
    argument: base?.argument ?? '',
    referent: base?.referent ?? { name: ctx.agrement.referent.name, email: ctx.agrement.referent.email },
    commitments: base?.commitments ?? {
      qualifiedTeam: true,
      similarServiceReferences: true,
      consistentMeans: true,
      compliantEnvironment: true,
      siteControlProcedures: true,
      noReputationalRisk: true,
      committedCandidates: 0,
    },
    network: {
      type: ctx.baseline.type as 'A' | 'B',
      coordinatingEntity: base?.network?.coordinatingEntity ?? ctx.agrement.organisationName,
      members,
      departmentsCovered: [...new Set([...ctx.baseline.departmentsCommitted, ...memberDepartments])],
    },
  };
  const evaluation = await evaluateEligibility(data, [], ctx.today);
  return evaluation.failures.filter((f) => f.ruleId === 'ELIG-4');
}

const failuresView = (failures: Verdict[]) =>
  failures.map(({ ruleId, check, clause, message, actual, expected }) => ({ ruleId, check, clause, message, actual, expected }));

export async function joinNetwork(
  deps: ApplicationDeps,
  agrementId: string,
  input: JoinNetworkInput,
  idempotencyKey?: string,
): Promise<AgrementSnapshot> {
  const ctx = await networkOf(deps, agrementId);
  let member: JoiningMember;
  if (input.organisationId) {
    const org = await deps.db.getRepository(OrganisationEntity).findOne({ where: { id: input.organisationId } });
    if (!org) throw new NotFound(`organisation ${input.organisationId} not found`, { organisationId: input.organisationId });
    if (org.id === ctx.networkId) throw refused('the coordinating entity is not one of its own members (ELIG-4)');
    if (org.networkId === ctx.networkId) throw refused(`${org.name} is already a member of the network (ELIG-4)`);
    if (org.networkId)
      throw refused(`${org.name} is a member of another network: it leaves it first (ELIG-4)`, { networkId: org.networkId });
    const [own] = await agrementRepository(deps.db).runningAgrementIdsOf(org.id);
    if (own)
      throw refused(`${org.name} holds an agrément of its own (${own}): it ends before the centre joins a network (ELIG-4, QUO-1)`, {
        agrementId: own,
      });
    member = { organisationId: org.id, name: org.name, category: org.category, department: org.department, uai: org.uai, email: org.email };
  } else {
    const m = input.member!;
    member = {
      organisationId: idempotencyKey ? uuidFromKey(`network-member:${agrementId}`, idempotencyKey) : randomUUID(),
      name: m.name.trim(),
      category: m.category,
      department: m.department?.trim() || null,
      uai: m.uai?.trim() || null,
      email: m.email.trim(),
    };
  }
  const failures = await membershipFailures(ctx, [...ctx.members.map(asMember), asMember(member)]);
  if (failures.length) {
    throw refused(`${member.name} cannot join the network: ${failures.map((f) => f.message).join(' ')}`, {
      failures: failuresView(failures),
    });
  }
  return actOnAgrement(
    deps,
    agrementId,
    {
      action: {
        type: 'member-joined',
        on: input.on ?? ctx.today,
        member,
        eligibility: { passed: true, failedChecks: [] },
        baseline: ctx.baseline,
      },
      actor: input.actor,
      reason: input.reason,
      evidence: input.evidence ?? null,
    },
    idempotencyKey,
  );
}

export async function leaveNetwork(
  deps: ApplicationDeps,
  agrementId: string,
  input: LeaveNetworkInput,
  idempotencyKey?: string,
): Promise<AgrementSnapshot> {
  const ctx = await networkOf(deps, agrementId);
  const org = await deps.db.getRepository(OrganisationEntity).findOne({ where: { id: input.organisationId } });
  if (!org) throw new NotFound(`organisation ${input.organisationId} not found`, { organisationId: input.organisationId });
  if (org.networkId !== ctx.networkId) throw refused(`${org.name} is not a member of the network (ELIG-4)`);
  const failures = await membershipFailures(ctx, ctx.members.filter((m) => m.id !== org.id).map(asMember));
  if (failures.length) {
    throw refused(`${org.name} cannot leave the network: ${failures.map((f) => f.message).join(' ')}`, {
      failures: failuresView(failures),
    });
  }
  return actOnAgrement(
    deps,
    agrementId,
    {
      action: { type: 'member-left', on: input.on ?? ctx.today, organisationId: org.id, baseline: ctx.baseline },
      actor: input.actor,
      reason: input.reason,
      evidence: input.evidence ?? null,
    },
    idempotencyKey,
  );
}
