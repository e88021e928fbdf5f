import { zonedInstant } from '../../shared/domain/zoned-time';
import { type Agrement, sessionBlocker } from './agrement';
import { shiftDays } from './deadlines';
import type { AgrementTemplateData } from './notification-templates';
import { agrementReference } from './notifications';

/**
 * SES-9, SUS-2, SUS-6, TER-3, TER-5, AGR-4, BRE-1: the sessions already planned that the agrément's
 * standing blocks (a suspension, force majeure, a termination's effective date, the end) or puts at risk
 * (a formal notice). Pure: the caller reads the planned sessions, this judges them.
 *
 * - Blocked: judged by `sessionBlocker(a, session date)`, the very check a new or moved session meets
 *   (SES-9 at the session's date), so the list and the 409 on report never disagree. A suspension (SUS-2) or
 *   force majeure (TER-3) blocks every session from its first day on, as long as it lasts, i.e. all those
 *   still to come; a termination with its notice running (TER-5) those on or after its effective date; the
 *   end (TER-5, AGR-4) all; the term without an accepted renewal (AGR-4) those on or after it. A network's
 *   agrément suspended as a whole (SUS-6) blocks its member centres' sessions as well (the caller reads them).
 * - At risk: a formal notice alone blocks nothing: SES-9 names REF-2, SUS-2, AGR-4 and TER-5 only, and
 *   BRE-1 says Pix *may* terminate with immediate effect once the cure period has passed uncured (BRE-4: a
 *   person decides). So a session is listed "at risk" when it falls after the cure is due: from the day after
 *   `cureDueOn`, the first day a confirmed termination could take effect.
 * - Only sessions not yet started count (a session held earlier today is history, not a planned one).
 */

export interface PlannedSession {
  sessionId: string;
  organisationId: string;
  organisationName: string;
  /** The session's date, start and end, local to its venue. */
  date: string;
  startTime: string;
  endTime: string;
  timeZone: string;
  address: string;
  room: string;
}

export type AffectingRule = 'SUS-2' | 'TER-3' | 'TER-5' | 'AGR-4' | 'BRE-1';

export interface AffectedSession extends PlannedSession {
  /** blocked: the session may not be held (SES-9); at-risk: it may be, unless the agrément ends before it. */
  status: 'blocked' | 'at-risk';
  /** The rule that blocks it (or, at risk, BRE-1). */
  ruleId: AffectingRule;
  /** Every rule cited: the rule, SES-9 when blocked, SUS-6 for a network suspended as a whole, BRE-4 when at risk. */
  ruleIds: string[];
  /** The first day the rule applies: the suspension's or force majeure's start, the end's effective date, the term, the day after the cure is due. */
  from: string;
  /** Why, in English (the API); the e-mail words it in French. */
  reason: string;
}

/**
 * Every rule a SES-9 refusal cites: the blocking rule, SUS-6 when it is a network's agrément suspended as a whole
 * (its member centres' sessions are refused by SUS-2 too), and SES-9. The 409 names the blocking rule (SUS-2:
 * no session while suspended); SUS-6 says why it reaches a member centre.
 */
export function blockerRuleIds(a: Pick<Agrement, 'kind'>, ruleId: string): string[] {
  return [ruleId, ...(ruleId === 'SUS-2' && a.kind === 'network' ? ['SUS-6'] : []), 'SES-9'];
}

/** The refusal's message: `no session may be organised: <reason> (<rules>)`. */
export function blockerMessage(a: Pick<Agrement, 'kind'>, blocker: { ruleId: string; reason: string }): string {
  const reason = blocker.ruleId === 'SUS-2' && a.kind === 'network' ? "the network's agrément is suspended as a whole" : blocker.reason;
  return `no session may be organised: ${reason} (${blockerRuleIds(a, blocker.ruleId).join(', ')})`;
}

/** The rules sessionBlocker may answer that this list reports (REF-2 is the référent's, not a suspension or an end). */
const LISTED: ReadonlySet<string> = new Set<AffectingRule>(['SUS-2', 'TER-3', 'TER-5', 'AGR-4']);

/** The first day the blocking rule applies to this agrément. */
function fromOf(a: Agrement, ruleId: AffectingRule, sessionDate: string): string {
  switch (ruleId) {
    case 'SUS-2':
      return a.suspension?.since ?? sessionDate;
    case 'TER-3':
      return a.forceMajeure?.since ?? sessionDate;
    case 'TER-5':
      return a.end?.on ?? a.termination?.effectiveOn ?? sessionDate;
    case 'AGR-4':
      return a.end?.on ?? a.termOn;
    case 'BRE-1':
      return a.breach ? shiftDays(a.breach.cureDueOn, 1) : sessionDate;
  }
}

/** Whether the session has not started yet at `now` (its start, local to its venue). */
export function notYetStarted(s: Pick<PlannedSession, 'date' | 'startTime' | 'timeZone'>, now: Date): boolean {
  const [h, m] = s.startTime.split(':').map(Number);
  return zonedInstant(s.date, s.timeZone, h ?? 0, m ?? 0).getTime() >= now.getTime();
}

/** The planned sessions, not yet started at `now`, that the agrément blocks or puts at risk; by date, then start, then id. */
export function affectedSessions(a: Agrement, planned: readonly PlannedSession[], now: Date): AffectedSession[] {
  const out: AffectedSession[] = [];
  for (const s of planned) {
    if (!notYetStarted(s, now)) continue;
    const blocker = sessionBlocker(a, s.date);
    if (blocker && LISTED.has(blocker.ruleId)) {
      const ruleId = blocker.ruleId as AffectingRule;
      out.push({
        ...s,
        status: 'blocked',
        ruleId,
        ruleIds: blockerRuleIds(a, ruleId),
        from: fromOf(a, ruleId, s.date),
        reason: blocker.reason,
      });
    } else if (!blocker && a.breach && s.date > a.breach.cureDueOn) {
      out.push({
        ...s,
        status: 'at-risk',
        ruleId: 'BRE-1',
        ruleIds: ['BRE-1', 'BRE-4'],
        from: fromOf(a, 'BRE-1', s.date),
        reason: `a formal notice is running: uncured by ${a.breach.cureDueOn}, Pix may terminate with immediate effect`,
      });
    }
  }
  return out.sort((x, y) =>
    x.date !== y.date
      ? x.date < y.date
        ? -1
        : 1
      : x.startTime !== y.startTime
        ? x.startTime < y.startTime
          ? -1
          : 1
        : x.sessionId < y.sessionId
          ? -1
          : 1,
  );
}

/** The agrément events after which the centre is told which planned sessions are affected. */
export const AFFECTING_EVENTS = [
  'suspended',
  'force-majeure-started',
  'breach-notified',
  'termination-notice',
  'terminated',
  'expired',
] as const;
export type AffectingEvent = (typeof AFFECTING_EVENTS)[number];

export function isAffectingEvent(type: string): type is AffectingEvent {
  return (AFFECTING_EVENTS as readonly string[]).includes(type);
}

/** The day the event speaks of: the suspension's or force majeure's start, the letter, the effective end. */
export function affectingEventOn(type: AffectingEvent, data: Record<string, unknown>): string | null {
  const pick = (...keys: string[]) => keys.map((k) => data[k]).find((v): v is string => typeof v === 'string') ?? null;
  switch (type) {
    case 'suspended':
    case 'force-majeure-started':
      return pick('since', 'on');
    case 'breach-notified':
      return pick('letterSentOn');
    case 'termination-notice':
      return pick('effectiveOn');
    case 'terminated':
      return pick('on', 'effectiveOn');
    case 'expired':
      return pick('termOn', 'on');
  }
}

const RULE_FR: Record<AffectingRule, string> = {
  'SUS-2': 'agrément suspendu',
  'TER-3': 'convention suspendue pour force majeure',
  'TER-5': "fin de la convention d'agrément",
  'AGR-4': "terme de l'agrément sans renouvellement accepté",
  'BRE-1': 'mise en demeure en cours : résiliation possible si le manquement n’est pas corrigé',
};

/** One session as the « Sessions planifiées concernées » e-mail shows it. */
export interface AffectedSessionLine {
  sessionId: string;
  centreName: string;
  date: string;
  startTime: string;
  endTime: string;
  timeZone: string;
  place: string;
  ruleId: string;
  reasonFr: string;
  fromOn: string;
}

export function affectedSessionLine(s: AffectedSession, network: boolean): AffectedSessionLine {
  return {
    sessionId: s.sessionId,
    centreName: s.organisationName,
    date: s.date,
    startTime: s.startTime,
    endTime: s.endTime,
    timeZone: s.timeZone,
    place: [s.room, s.address].filter((x) => x && x.trim()).join(', ') || 'lieu non précisé',
    ruleId: s.ruleId === 'SUS-2' && network ? 'SUS-2, SUS-6' : s.ruleId,
    reasonFr: s.ruleId === 'SUS-2' && network ? 'agrément du réseau suspendu dans son ensemble' : RULE_FR[s.ruleId],
    fromOn: s.from,
  };
}

/** An organisation told of its affected sessions: the agrément's holder, or a member centre of its network (SUS-6). */
export interface Recipient {
  organisationId: string;
  name: string;
  email: string;
}

export interface AffectedSessionsEmail {
  organisationId: string;
  to: string;
  /** The data of the `planned-sessions-affected` template. */
  data: AgrementTemplateData['planned-sessions-affected'];
}

/**
 * The « Sessions planifiées concernées » e-mails: the agrément's holder (the centre, or the network's
 * coordinating organisation) always, with every affected session or saying there is none; for a network,
 * each member centre with affected sessions too, with its own (SUS-6).
 */
export function affectedSessionsEmails(
  a: Agrement,
  event: { type: AffectingEvent; on: string },
  affected: readonly AffectedSession[],
  members: readonly Recipient[],
): AffectedSessionsEmail[] {
  const network = a.kind === 'network';
  const dataFor = (centreName: string, member: boolean, sessions: readonly AffectedSession[]) => {
    const blocked = sessions.filter((s) => s.status === 'blocked').map((s) => affectedSessionLine(s, network));
    const atRisk = sessions.filter((s) => s.status === 'at-risk').map((s) => affectedSessionLine(s, network));
    return {
      organisationName: a.organisationName,
      agrementReference: agrementReference(a),
      centreName,
      network,
      member,
      trigger: event.type,
      eventOn: event.on,
      ...(a.breach ? { cureDueOn: a.breach.cureDueOn } : {}),
      blocked,
      atRisk,
      count: blocked.length + atRisk.length,
    };
  };
  const emails: AffectedSessionsEmail[] = [
    { organisationId: a.organisationId, to: a.email, data: dataFor(a.organisationName, false, affected) },
  ];
  if (network) {
    for (const m of members) {
      if (m.organisationId === a.organisationId) continue;
      const own = affected.filter((s) => s.organisationId === m.organisationId);
      if (own.length > 0) emails.push({ organisationId: m.organisationId, to: m.email, data: dataFor(m.name, true, own) });
    }
  }
  return emails;
}
