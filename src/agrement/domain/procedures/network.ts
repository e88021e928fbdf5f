import { PARAMETERS } from '../../../config/parameters';
import { InvalidCommand } from '../../../shared/domain/errors';
import { actDate, AFTER_END, LIVE_STATES, type Procedure, requiredText, transition, unchanged } from '../machine';
import { type Agrement, departmentsOf, type NetworkBaseline, type NetworkRecord, networkFrom } from '../model';

/**
 * ELIG-4, QUO-1 (CdC §3.1.2, §3.2.2): a network's member centres join and leave during the agrément, on the
 * coordinating entity's declaration examined by Pix. A type A network admits only centres individually eligible
 * (ELIG-1), judged by the eligibility rules at the edge (the command carries their verdict); a type B network's
 * coverage (departments where a member is established) is recomputed at each change. Members have no quota of
 * their own: their finalised sessions count for the network (QUO-1).
 */

/** The network's record, or the one the read model held before the engine recorded its members. */
function recordOf(a: Agrement, baseline: NetworkBaseline | undefined): NetworkRecord | null {
  return a.network ?? (baseline ? networkFrom(baseline) : null);
}

const notANetwork = (a: Agrement) =>
  a.kind !== 'network' ? "a centre's agrément has no member centres (only a network's, CdC §3.1.2)" : null;

/** ELIG-4 type B: the coverage facts every change records. */
function coverage(n: NetworkRecord): Record<string, unknown> {
  return {
    members: n.members.length,
    departmentsCovered: n.departmentsCovered,
    departmentsCoveredCount: n.departmentsCovered.length,
    ...(n.type === 'B' ? { departmentsTarget: PARAMETERS.eligibility.networkBMinDepartments } : {}),
  };
}

const memberJoined = transition({
  command: 'member-joined',
  procedure: 'network',
  ruleIds: ['ELIG-4', 'QUO-1'],
  summary:
    "A centre joins the network (type A: individually eligible; type B: its coverage recomputed); its sessions count for the network's quota",
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    { ruleId: 'ELIG-4', holds: "a network's agrément", check: notANetwork },
    {
      ruleId: 'ELIG-4',
      holds: 'the centre is not already a member, nor the coordinating entity',
      check: (a, c) => {
        if (c.member.organisationId === a.organisationId) return 'the coordinating entity is not one of its own members';
        const n = recordOf(a, c.baseline);
        return n?.members.some((m) => m.organisationId === c.member.organisationId)
          ? `${c.member.name} is already a member of the network`
          : null;
      },
    },
    {
      ruleId: 'ELIG-4',
      holds: 'the network with the centre passes the eligibility rules (type A: every member individually eligible, ELIG-1)',
      check: (_a, c) =>
        c.eligibility.passed ? null : `${c.member.name} cannot join the network: ${c.eligibility.failedChecks.join(', ')}`,
    },
  ],
  next: unchanged,
  validate(c, a, today) {
    actDate('on', c.on, a, today);
    if (!c.member || typeof c.member !== 'object') throw new InvalidCommand('member', 'the joining centre is described (ELIG-4)');
    requiredText('member.organisationId', c.member.organisationId, 'the joining centre has an organisation id');
    requiredText('member.name', c.member.name, 'the joining centre is named');
    requiredText('member.category', c.member.category, "the joining centre's category is given (ELIG-1)");
    requiredText('member.email', c.member.email, "the joining centre's e-mail is given");
    if (!c.eligibility || typeof c.eligibility.passed !== 'boolean' || !Array.isArray(c.eligibility.failedChecks)) {
      throw new InvalidCommand('eligibility', 'the verdict of the eligibility rules on the network with the centre is given (ELIG-4)');
    }
  },
  apply({ a, emit }, c) {
    const n = recordOf(a, c.baseline) ?? { type: null, departmentsCommitted: [], members: [], departmentsCovered: [], formerMembers: [] };
    const m = c.member;
    const members = [
      ...n.members,
      { organisationId: m.organisationId, name: m.name.trim(), category: m.category, department: m.department ?? null, joinedOn: c.on },
    ];
    a.network = { ...n, members, departmentsCovered: departmentsOf(members) };
    // The member's facts, so that the read model registers the organisation with the network.
    emit('member-joined', ['ELIG-4', 'QUO-1'], {
      on: c.on,
      organisationId: m.organisationId,
      name: m.name.trim(),
      category: m.category,
      department: m.department ?? null,
      uai: m.uai ?? null,
      email: m.email,
      networkType: a.network.type,
      ...coverage(a.network),
    });
  },
});

const memberLeft = transition({
  command: 'member-left',
  procedure: 'network',
  ruleIds: ['ELIG-4'],
  summary: "A centre leaves the network (its sessions no longer count for it); a type B network's coverage is recomputed",
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    { ruleId: 'ELIG-4', holds: "a network's agrément", check: notANetwork },
    {
      ruleId: 'ELIG-4',
      holds: 'the centre is a member of the network',
      check: (a, c) =>
        recordOf(a, c.baseline)?.members.some((m) => m.organisationId === c.organisationId)
          ? null
          : 'the centre is not a member of the network',
    },
    {
      ruleId: 'ELIG-4',
      holds: 'a network keeps at least one member centre',
      check: (a, c) =>
        (recordOf(a, c.baseline)?.members.length ?? 0) <= 1
          ? 'the last member centre cannot leave: a network is made of centres (terminate instead, TER-1)'
          : null,
    },
  ],
  next: unchanged,
  validate(c, a, today) {
    actDate('on', c.on, a, today);
    requiredText('organisationId', c.organisationId, 'the leaving centre is named by its organisation id');
  },
  apply({ a, emit }, c) {
    const n = recordOf(a, c.baseline)!;
    const leaving = n.members.find((m) => m.organisationId === c.organisationId)!;
    const members = n.members.filter((m) => m !== leaving);
    a.network = {
      ...n,
      members,
      departmentsCovered: departmentsOf(members),
      formerMembers: [...n.formerMembers, { ...leaving, leftOn: c.on }],
    };
    emit('member-left', ['ELIG-4'], {
      on: c.on,
      organisationId: leaving.organisationId,
      name: leaving.name,
      networkType: a.network.type,
      ...coverage(a.network),
    });
  },
});

export const network: Procedure = {
  name: 'network',
  title: 'Network members (ELIG-4, QUO-1; CdC §3.1.2, §3.2.2)',
  transitions: [memberJoined, memberLeft],
  deadlines: () => [],
  onDeadline: {},
};
