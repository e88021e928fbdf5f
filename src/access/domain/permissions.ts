import { Forbidden } from '../../shared/domain/errors';
import type { Principal, Role } from './roles';

/**
 * The permission matrix, as data: which roles may take each action. Scope (which organisations a
 * centre or coordinator sees) is a separate check: canSeeOrganisation.
 */
const MATRIX = {
  // APP-1: Pix operations enter applications; a centre submits its own.
  'application.create': ['operations', 'centre'],
  // DOC-4: the applicant completes its dossier (scoped); operations record pieces received by mail.
  'application.add-pieces': ['operations', 'centre', 'coordinator'],
  // Centres and coordinators: scoped to their organisation / network.
  'application.read': ['operations', 'legal', 'inspector', 'read-only', 'centre', 'coordinator'],
  // APP-2..6: admissibility, conformity visit, training, grant, adhesion, attestation.
  'application.decide': ['operations'],

  // Centres and coordinators: scoped to their organisation / network.
  'agrement.read': ['operations', 'legal', 'centre', 'coordinator', 'inspector', 'read-only'],
  // SES-9, SUS-2, SUS-6, TER-5, AGR-4, BRE-1: the planned sessions a suspension, a notice or an end affects (the
  // centre its own, a coordinator its network's, a network's member centre its own sessions under the network's agrément).
  'agrement.affected-sessions': ['operations', 'legal', 'centre', 'coordinator'],
  // SUS-1: suspension with immediate effect; BRE-4: only the legal team qualifies a serious breach.
  'agrement.suspend': ['legal'],
  // SUS-4: Pix notifies the end of the suspension.
  'agrement.lift-suspension': ['legal'],
  // BRE-1: the formal notice by registered letter.
  'agrement.notify-breach': ['legal'],
  // BRE-3: cure is a decision recorded by Pix with evidence.
  'agrement.record-cure': ['legal'],
  // BRE-4: the engine proposes, a person of the legal team decides.
  'agrement.confirm-termination': ['legal'],
  // TER-3: force majeure suspends the convention.
  'agrement.force-majeure': ['legal'],
  // AGR-2: the centre (or its network) requests the renewal; operations may record it.
  'agrement.request-renewal': ['centre', 'coordinator', 'operations'],
  // AGR-3: Pix accepts the renewal.
  'agrement.accept-renewal': ['operations'],
  // SUS-5: Pix may require a control visit.
  'agrement.demand-visit': ['legal', 'operations'],
  // SUS-5: the centre answers within 1 month; operations may record an answer received by mail.
  'agrement.answer-visit': ['centre', 'coordinator', 'operations'],
  // TER-1: the centre's termination for convenience.
  'agrement.request-termination': ['centre', 'coordinator'],
  // REF-1..5: référents designated (a network's number agreed), changes, training, badge, contribution.
  'agrement.record-referent': ['operations'],
  // ELIG-4, CdC §3.2.2: Pix examines the coordinating entity's declaration and records a member joining or leaving.
  'agrement.network-members': ['operations'],
  // QUO-3: finalised sessions count towards the quota.
  'agrement.record-sessions': ['operations'],
  // AGR-5: a substantial change of the cahier des charges.
  'agrement.cahier-change': ['legal', 'operations'],
  // AGR-5, AGR-6: draft new session rule-set versions, read them and their impact on planned sessions.
  'rule-set.draft': ['operations'],
  // AGR-5, AGR-6: publish a version (notifies every centre whose agrément runs).
  'rule-set.publish': ['operations'],
  // SCO-2: campaign windows per school year and school type, and derogations per school.
  'campaign.manage': ['operations'],
  // TER-4: labour-law documents, due within 15 days.
  'agrement.labour-documents': ['legal'],
  // The hash-chained event log: an audit act.
  'log.verify': ['legal', 'operations'],
  // The Journal: every entry of the log, filtered and paged (who did what, when, why); read-only reads everything.
  'log.read': ['operations', 'legal', 'read-only'],
  // "If we send the letter today, when can we terminate?": what-if timelines for the legal team and operations.
  'simulation.run': ['legal', 'operations'],
  // DATA-3: issue and revoke a user's tokens.
  'tokens.manage': ['operations'],
  // DATA-3: every holder lists, issues (lifetime bounded) and revokes their own tokens.
  'tokens.own': ['operations', 'legal', 'centre', 'coordinator', 'inspector', 'read-only'],
  // DATA-3: create users (one login each, an access profile) and remove obsolete accesses.
  'users.manage': ['operations'],
  // DATA-3: the users and their accesses; read-only reads everything, changes nothing.
  'users.read': ['operations', 'read-only'],
  // DATA-3: the annual access review (every user, role, tokens, last use, obsolete accesses flagged) and its history.
  'access-review.read': ['operations', 'read-only'],
  // DATA-3: record a review and remove the obsolete accesses it found.
  'access-review.record': ['operations'],
  // VIS-1..5: Pix operations schedule control visits (DOMAIN "Actors").
  'visits.plan': ['operations'],
  // VIS-1..5: plans and risk scores; an inspector sees only their own assignments.
  'visits.read': ['operations', 'legal', 'inspector'],
  // VIS-4: the inspector (or operations, from the inspector's report) records the findings of a visit.
  'visits.record-findings': ['inspector', 'operations'],
  // SES-1: sessions as Pix Certif reports them; a centre (or its network's coordinator) reports its own.
  'session.report': ['operations', 'centre', 'coordinator'],
  // Centres and coordinators: scoped to their organisation / network.
  'session.read': ['operations', 'legal', 'inspector', 'read-only', 'centre', 'coordinator'],
  // A year of history at once (CSV or JSON): Pix operations.
  'session.import': ['operations'],
  // BIL-1: the statements; centres and coordinators see their own.
  'statement.read': ['operations', 'legal', 'read-only', 'centre', 'coordinator'],
  // BIL-1: the centre reports its statement sent (operations may record one received otherwise).
  'statement.send': ['centre', 'coordinator', 'operations'],
  // BIL-2: Pix's invoice and its payment.
  'statement.invoice': ['operations'],
  // VIS-5: operations recruit, assign and retire the inspectors (Pix staff, managers of other centres, contractors).
  'inspectors.manage': ['operations'],
  // SES-13, SES-12, SUS-1: complaints, incidents and fraud reports about a centre that reach Pix otherwise than
  // through Pix Certif; they weigh in the control-visit risk score (VIS-1).
  'quality.record': ['operations', 'legal'],
  // The "needs attention" list: what the engine cannot finish alone (a failed activity, an e-mail undelivered); Pix operations.
  'attention.read': ['operations'],
  // …and mark an item resolved, saying what was done (audited).
  'attention.resolve': ['operations'],
  // The mail captured by a local run (`./dev start` without SMTP_URL): every e-mail sent, an inspector's
  // unannounced-visit notice (VIS-2) included, hence Pix operations only.
  'mail.read': ['operations'],
} satisfies Record<string, Role[]>;

export type Action = keyof typeof MATRIX;

/** Frozen: nothing at run time can grant a role an action. */
export const PERMISSIONS: Readonly<Record<Action, readonly Role[]>> = Object.freeze(
  Object.fromEntries(Object.entries(MATRIX).map(([action, roles]) => [action, Object.freeze([...roles])])) as Record<
    Action,
    readonly Role[]
  >,
);

export const ACTIONS = Object.freeze(Object.keys(PERMISSIONS) as Action[]);

export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PERMISSIONS, value);
}

export function allowedRoles(action: Action): readonly Role[] {
  return PERMISSIONS[action];
}

export function can(principal: Pick<Principal, 'role'>, action: Action): boolean {
  return isAction(action) && PERMISSIONS[action].includes(principal.role);
}

/** Throws Forbidden (naming the action and the roles allowed) unless the principal may act. */
export function assertCan(principal: Pick<Principal, 'role'>, action: Action): void {
  if (!can(principal, action)) throw new Forbidden(action, allowedRoles(action), principal.role);
}

/**
 * Whether a principal sees an organisation's data. A centre sees only its own; a coordinator its
 * network: the coordinating organisation and the members whose network points to it. Pix staff see all.
 */
export function canSeeOrganisation(
  principal: Pick<Principal, 'role' | 'organisationId'>,
  organisationId: string,
  organisationNetworkId: string | null,
): boolean {
  switch (principal.role) {
    case 'centre':
      return principal.organisationId !== null && organisationId === principal.organisationId;
    case 'coordinator':
      return (
        principal.organisationId !== null &&
        (organisationId === principal.organisationId || organisationNetworkId === principal.organisationId)
      );
    default:
      return true;
  }
}
