import { describe, expect, it } from 'vitest';
import {
  type Action,
  ACTIONS,
  allowedRoles,
  assertCan,
  can,
  canSeeOrganisation,
  PERMISSIONS,
} from '../../../../src/access/domain/permissions';
import { actorLabel, isRole, type Principal, type Role, ROLES } from '../../../../src/access/domain/roles';
import { Forbidden } from '../../../../src/shared/domain/errors';

const as = (role: Role, organisationId: string | null = null): Principal => ({ userId: 'u', name: 'N', role, organisationId });
const rolesAllowed = (action: Action) => ROLES.filter((role) => can(as(role), action));

describe('permission matrix', () => {
  it.each([
    ['SUS-1', 'agrement.suspend'],
    ['SUS-4', 'agrement.lift-suspension'],
    ['BRE-1', 'agrement.notify-breach'],
    ['BRE-3', 'agrement.record-cure'],
    ['BRE-4', 'agrement.confirm-termination'],
    ['TER-3', 'agrement.force-majeure'],
    ['TER-4', 'agrement.labour-documents'],
  ] as const)('%s only the legal team may %s', (_rule, action) => {
    expect(rolesAllowed(action)).toEqual(['legal']);
  });

  it('BRE-4 neither operations nor the centre may qualify a breach or confirm a termination', () => {
    for (const action of ['agrement.suspend', 'agrement.notify-breach', 'agrement.confirm-termination'] as const) {
      for (const role of ['operations', 'centre', 'coordinator', 'inspector', 'read-only'] as const)
        expect(can(as(role), action), `${role} ${action}`).toBe(false);
    }
  });

  it.each([
    ['AGR-6', 'rule-set.draft'],
    ['AGR-5', 'rule-set.publish'],
    ['SCO-2', 'campaign.manage'],
    ['ELIG-4', 'agrement.network-members'],
  ] as const)('%s only operations may %s', (_rule, action) => {
    expect(rolesAllowed(action)).toEqual(['operations']);
  });

  it('TER-1 only the centre (or its coordinator) may request a termination for convenience', () => {
    expect(rolesAllowed('agrement.request-termination')).toEqual(['centre', 'coordinator']);
  });

  it('APP-2..6 only operations decide on applications; operations and centres create them', () => {
    expect(rolesAllowed('application.decide')).toEqual(['operations']);
    expect(rolesAllowed('application.create')).toEqual(['operations', 'centre']);
  });

  it('the other agrément actions are granted as specified', () => {
    const expected: Partial<Record<Action, Role[]>> = {
      'agrement.request-renewal': ['operations', 'centre', 'coordinator'],
      'agrement.accept-renewal': ['operations'],
      'agrement.demand-visit': ['operations', 'legal'],
      'agrement.answer-visit': ['operations', 'centre', 'coordinator'],
      'agrement.record-referent': ['operations'],
      'agrement.record-sessions': ['operations'],
      'agrement.cahier-change': ['operations', 'legal'],
      'log.verify': ['operations', 'legal'],
      'log.read': ['operations', 'legal', 'read-only'],
      'tokens.manage': ['operations'],
      'tokens.own': [...ROLES],
      'users.manage': ['operations'],
      'users.read': ['operations', 'read-only'],
      'access-review.read': ['operations', 'read-only'],
      'access-review.record': ['operations'],
    };
    for (const [action, roles] of Object.entries(expected)) expect(rolesAllowed(action as Action), action).toEqual(roles);
  });

  it('every role reads applications and agréments (centres and coordinators within their scope)', () => {
    expect(rolesAllowed('application.read')).toEqual([...ROLES]);
    expect(rolesAllowed('agrement.read')).toEqual([...ROLES]);
  });

  it('read-only changes nothing; VIS-4 an inspector only records the findings of their visits', () => {
    // DATA-3: a holder's own tokens are their credentials, not the engine's data: every role lists and revokes its own.
    const writes = ACTIONS.filter((a) => !a.endsWith('.read') && a !== 'tokens.own');
    expect(writes.length).toBeGreaterThan(15);
    for (const action of writes) {
      expect(can(as('read-only'), action), action).toBe(false);
      expect(can(as('inspector'), action), action).toBe(action === 'visits.record-findings');
    }
  });

  it('lists only known roles, at least one per action, and cannot be changed at run time', () => {
    for (const action of ACTIONS) {
      expect(allowedRoles(action).length, action).toBeGreaterThan(0);
      expect(allowedRoles(action).every(isRole), action).toBe(true);
    }
    expect(() => (PERMISSIONS['agrement.suspend'] as Role[]).push('read-only')).toThrow(TypeError);
    expect(() => {
      (PERMISSIONS as Record<string, readonly Role[]>)['agrement.suspend'] = ROLES;
    }).toThrow(TypeError);
    expect(can(as('read-only'), 'agrement.suspend')).toBe(false);
  });

  it('an unknown action is allowed to nobody', () => {
    for (const role of ROLES) expect(can(as(role), 'agrement.anything' as Action)).toBe(false);
  });

  it('assertCan refuses with Forbidden naming the action and the roles allowed', () => {
    expect(() => assertCan(as('legal'), 'agrement.suspend')).not.toThrow();
    try {
      assertCan(as('operations'), 'agrement.suspend');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(Forbidden);
      expect(err).toMatchObject({ action: 'agrement.suspend', allowedRoles: ['legal'], code: 'forbidden' });
      expect((err as Error).message).toContain('agrement.suspend');
    }
  });

  it('names the actor "<name> (<role>)"', () => {
    expect(actorLabel({ name: 'Jeanne Martin', role: 'legal' })).toBe('Jeanne Martin (legal)');
  });
});

describe('scopes', () => {
  const own = 'org-own';
  const network = 'org-network';
  const member = 'org-member';
  const other = 'org-other';

  it('a centre sees only its own organisation', () => {
    const centre = as('centre', own);
    expect(canSeeOrganisation(centre, own, null)).toBe(true);
    expect(canSeeOrganisation(centre, other, null)).toBe(false);
    // Even its network's coordinator or fellow members are out of its sight.
    expect(canSeeOrganisation(as('centre', member), network, null)).toBe(false);
    expect(canSeeOrganisation(as('centre', member), 'org-fellow', network)).toBe(false);
    expect(canSeeOrganisation(as('centre', member), member, network)).toBe(true);
  });

  it('a coordinator sees the coordinating organisation and its members, not other networks', () => {
    const coordinator = as('coordinator', network);
    expect(canSeeOrganisation(coordinator, network, null)).toBe(true);
    expect(canSeeOrganisation(coordinator, member, network)).toBe(true);
    expect(canSeeOrganisation(coordinator, other, null)).toBe(false);
    expect(canSeeOrganisation(coordinator, 'org-elsewhere', 'org-other-network')).toBe(false);
  });

  it('a centre or coordinator bound to no organisation sees nothing', () => {
    expect(canSeeOrganisation(as('centre', null), own, null)).toBe(false);
    expect(canSeeOrganisation(as('coordinator', null), own, null)).toBe(false);
    // A null network must not match a null organisation.
    expect(canSeeOrganisation(as('coordinator', null), member, null)).toBe(false);
  });

  it('Pix staff see every organisation', () => {
    for (const role of ['operations', 'legal', 'inspector', 'read-only'] as const) {
      expect(canSeeOrganisation(as(role), other, null), role).toBe(true);
      expect(canSeeOrganisation(as(role), member, network), role).toBe(true);
    }
  });
});
