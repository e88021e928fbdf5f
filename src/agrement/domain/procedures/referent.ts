import { PARAMETERS } from '../../../config/parameters';
import { InvalidCommand } from '../../../shared/domain/errors';
import * as D from '../deadlines';
import {
  actDate,
  AFTER_END,
  type Context,
  dateField,
  deadline,
  type Deadline,
  keysTag,
  LIVE_STATES,
  type Procedure,
  requiredText,
  transition,
  unchanged,
} from '../machine';
import { type Agrement, type Referent, referentsOf } from '../model';
import { propose } from './termination';

/**
 * REF-1..5: the centre's single référent, or the number of référents agreed in a network's convention (REF-1,
 * CdC §3.1.2), each trained before any session (REF-2), with the badge within 6 months unless qualified (REF-3),
 * 4 days a year of Pix activities judged at each agrément year's end and warned of before it (REF-4), and a change
 * notified in advance with a CV (REF-5). Commands about one référent of a network name it by `referentEmail`.
 */

const sameEmail = (x: string, y: string) => x.trim().toLowerCase() === y.trim().toLowerCase();

/** REF-3: the badge deadline of a référent who owes one and has not shown it. */
export function badgeDueOnFor(r: Referent): string | null {
  if (r.recognisedQualifications || r.badgeObtainedOn) return null;
  return D.badgeDueOn(r.appointedOn);
}

/** REF-3: the badge deadline of the (first) référent. */
export function badgeDueOn(a: Agrement): string | null {
  return badgeDueOnFor(a.referent);
}

/**
 * REF-1: the référent a command addresses: the one with `email`, or the only one. A network with several référents
 * says which (400 naming the field); an e-mail that is no référent's is refused the same way.
 */
export function addressedReferent(a: Agrement, email: unknown, field = 'referentEmail'): Referent {
  const all = referentsOf(a);
  if (email === undefined || email === null) {
    if (all.length > 1)
      throw new InvalidCommand(field, `the network has ${all.length} référents: ${field} says which one (REF-1)`, {
        referents: all.map((r) => r.email),
      });
    return a.referent;
  }
  if (typeof email !== 'string' || !email.trim()) throw new InvalidCommand(field, `${field} must be a référent's e-mail`);
  const found = all.find((r) => sameEmail(r.email, email));
  if (!found)
    throw new InvalidCommand(field, `no référent of this agrément has the e-mail ${email} (REF-1)`, { referents: all.map((r) => r.email) });
  return found;
}

/** Replaces the référent with `email` (the first one or another) by `next` in the private copy. */
function replaceReferent(a: Agrement, email: string, next: Referent): void {
  if (sameEmail(a.referent.email, email)) a.referent = next;
  else a.otherReferents = (a.otherReferents ?? []).map((r) => (sameEmail(r.email, email) ? next : r));
}

/** REF-5: the référent a change replaces (the first one when the change names none). */
const replacedBy = (a: Agrement, change: NonNullable<Agrement['referentChange']>): Referent =>
  (change.replacesEmail && referentsOf(a).find((r) => sameEmail(r.email, change.replacesEmail!))) || a.referent;

/**
 * REF-3: a référent appointed on `appointedOn` has badge deadlines of their own, even on the dates of an earlier
 * référent's (the same seat, or the same e-mail removed and designated again): a tag when those keys were used.
 * `email`: the référent's when not the first (their keys carry it).
 */
function freshBadgeTag(a: Agrement, appointedOn: string, email: string | null): string | undefined {
  const due = D.badgeDueOn(appointedOn);
  const suffix = email ? `:${email}` : '';
  return keysTag(a, [`badge-due:${due}${suffix}`, ...D.badgeReminderDates(due).map((r) => `badge-reminder:${r}${suffix}`)]).tag;
}

function takeOver({ a, emit }: Context, on: string): void {
  const change = a.referentChange!;
  const previous = replacedBy(a, change);
  a.referentChange = null;
  const tag = freshBadgeTag(a, on, sameEmail(previous.email, a.referent.email) ? null : change.email);
  const { badgeTag: _earlier, ...kept } = previous;
  // REF-5: REF-2 applies to the new référent: untrained until Pix trains them (REF-4: the contribution stays with the role).
  replaceReferent(a, previous.email, {
    ...kept,
    name: change.name,
    email: change.email,
    trained: false,
    recognisedQualifications: change.recognisedQualifications,
    appointedOn: on,
    badgeObtainedOn: null,
    ...(tag ? { badgeTag: tag } : {}),
  });
  emit('referent-changed', ['REF-5', 'REF-2'], { on, name: change.name, notifiedOn: change.notifiedOn, replaced: previous.name });
}

/** REF-1: one person holds one référent's seat: `email` is none of the others'. */
const otherSeatHolder = (a: Agrement, email: string, except?: Referent): Referent | undefined =>
  referentsOf(a).find((r) => r !== except && sameEmail(r.email, email));

const referentChanged = transition({
  command: 'referent-changed',
  procedure: 'referent',
  ruleIds: ['REF-5', 'REF-2', 'REF-1'],
  summary:
    "A change of référent (of one of a network's, by `referentEmail`), notified in advance with the new référent's CV; the new one is trained before any session",
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    {
      ruleId: 'REF-1',
      holds: 'the new référent is not already another référent of the agrément (a centre has one référent at a time)',
      check: (a, c) => {
        const holder = otherSeatHolder(a, c.email, addressedReferent(a, c.referentEmail));
        return holder ? `${c.email} is already a référent of this agrément` : null;
      },
    },
    {
      ruleId: 'REF-5',
      holds: "one change at a time: no change of another of the network's référents is pending",
      check: (a, c) => {
        const pending = a.referentChange;
        if (!pending) return null;
        const replaced = replacedBy(a, pending);
        return sameEmail(replaced.email, addressedReferent(a, c.referentEmail).email)
          ? null
          : `the change of ${replaced.name} takes effect on ${pending.effectiveOn}: record it before notifying another`;
      },
    },
  ],
  next: unchanged,
  validate(c, a, today) {
    const on = actDate('on', c.on, a, today);
    requiredText('name', c.name, 'the new référent is named (REF-5)');
    requiredText('email', c.email, "the new référent's e-mail is given (REF-5)");
    requiredText('cv', c.cv, "a change of référent is notified with the new référent's CV (REF-5)");
    if (c.effectiveOn !== undefined && dateField('effectiveOn', c.effectiveOn) < on) {
      throw new InvalidCommand(
        'effectiveOn',
        'a change of référent is notified in advance: effectiveOn cannot precede the notification (REF-5)',
      );
    }
    addressedReferent(a, c.referentEmail);
  },
  apply(ctx, c) {
    const effectiveOn = c.effectiveOn ?? c.on;
    const replaced = addressedReferent(ctx.a, c.referentEmail);
    ctx.a.referentChange = {
      notifiedOn: c.on,
      effectiveOn,
      name: c.name.trim(),
      email: c.email.trim(),
      cv: c.cv!.trim(),
      recognisedQualifications: c.recognisedQualifications === true,
      ...(replaced === ctx.a.referent ? {} : { replacesEmail: replaced.email }),
    };
    if (effectiveOn <= ctx.today) takeOver(ctx, effectiveOn);
    else ctx.emit('referent-change-notified', ['REF-5'], { on: c.on, effectiveOn, name: c.name.trim(), replaced: replaced.name });
  },
});

const referentTrained = transition({
  command: 'referent-trained',
  procedure: 'referent',
  ruleIds: ['REF-2'],
  summary: "The référent (one of a network's, by `referentEmail`) completed the Pix training",
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    {
      ruleId: 'REF-2',
      holds: 'the référent is not trained yet',
      check: (a, c) => (addressedReferent(a, c.referentEmail).trained ? 'the référent is already trained' : null),
    },
  ],
  next: unchanged,
  validate(c, a, today) {
    const r = addressedReferent(a, c.referentEmail);
    actDate('on', c.on, a, today, [r.appointedOn > a.startOn ? r.appointedOn : null, "the référent's appointment"]);
  },
  apply({ a, emit }, c) {
    const r = addressedReferent(a, c.referentEmail);
    replaceReferent(a, r.email, { ...r, trained: true });
    emit('referent-trained', ['REF-2'], { on: c.on, name: r.name });
  },
});

/** REF-3: a référent whose badge deadline passed before `on` without a badge. */
const owesOverdueBadge = (r: Referent, on: string) => {
  const due = badgeDueOnFor(r);
  return due !== null && due < on;
};

const badgeObtained = transition({
  command: 'badge-obtained',
  procedure: 'referent',
  ruleIds: ['REF-3'],
  summary: 'The référent (one of a network\'s, by `referentEmail`) showed the "Référent Pix" badge',
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    {
      ruleId: 'REF-3',
      holds: 'no badge recorded yet',
      check: (a, c) => (addressedReferent(a, c.referentEmail).badgeObtainedOn ? 'the badge is already recorded' : null),
    },
  ],
  next: unchanged,
  validate(c, a, today) {
    actDate('on', c.on, a, today);
    addressedReferent(a, c.referentEmail);
  },
  apply(ctx, c) {
    const r = addressedReferent(ctx.a, c.referentEmail);
    // REF-3: a badge shown by its deadline meets it, even when Pix records it after the engine judged the deadline
    // (a history entered late: an attestation received months ago): the ledger keeps when it was due, and that it was met.
    const first = sameEmail(referentsOf(ctx.a)[0]!.email, r.email);
    const due = new Set(badgeDeadlines(r, first).flatMap((d) => (d.name === 'badge-due' ? [d.key] : [])));
    ctx.a.ledger = ctx.a.ledger.map((e) =>
      due.has(e.key) && e.outcome === 'missed' && c.on <= e.on ? { ...e, outcome: 'met', outcomeOn: c.on, outcomeBy: 'badge-obtained' } : e,
    );
    replaceReferent(ctx.a, r.email, { ...r, badgeObtainedOn: c.on });
    ctx.emit('badge-obtained', ['REF-3'], { on: c.on, name: r.name });
    // The breach proposal stands while another of a network's référents still owes an overdue badge.
    if (referentsOf(ctx.a).some((x) => owesOverdueBadge(x, c.on))) return;
    const withdrawn = ctx.a.proposals.filter((p) => p.cause === 'badge');
    ctx.a.proposals = ctx.a.proposals.filter((p) => p.cause !== 'badge');
    for (const p of withdrawn)
      ctx.emit('proposal-withdrawn', [p.ruleId, 'BRE-4'], { proposalId: p.id, cause: 'badge', because: 'badge-obtained', on: c.on });
  },
});

const referentContribution = transition({
  command: 'referent-contribution',
  procedure: 'referent',
  ruleIds: ['REF-4'],
  summary:
    "Days of the référent's (one of a network's, by `referentEmail`) contribution to Pix activities, counted in the agrément year of their date",
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [],
  next: unchanged,
  validate(c, a, today) {
    if (typeof c.days !== 'number' || !(c.days > 0) || c.days > 366)
      throw new InvalidCommand('days', 'days must be a positive number of days');
    actDate('on', c.on, a, today, [a.firstGrantOn, 'the first grant']);
    addressedReferent(a, c.referentEmail);
  },
  apply({ a, emit }, c) {
    const r = addressedReferent(a, c.referentEmail);
    const year = D.agrementYearOf(a.firstGrantOn, c.on!);
    const key = String(year);
    const contributions = { ...r.contributions, [key]: (r.contributions[key] ?? 0) + c.days };
    replaceReferent(a, r.email, { ...r, contributions });
    emit('referent-contribution', ['REF-4'], {
      on: c.on,
      agrementYear: year,
      days: c.days,
      total: contributions[key],
      required: PARAMETERS.referent.yearlyContributionDays,
      referentName: r.name,
    });
  },
});

const referentAdded = transition({
  command: 'referent-added',
  procedure: 'referent',
  ruleIds: ['REF-1', 'REF-2'],
  summary:
    "A network designates one more référent, within the number agreed in its convention, with the référent's CV; trained before acting (REF-2)",
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    {
      ruleId: 'REF-1',
      holds: 'fewer référents than agreed in the convention (a centre: one, changed by REF-5 only)',
      check: (a) => {
        const n = referentsOf(a).length;
        if (a.kind !== 'network') return 'a centre designates one référent: notify a change of référent instead (REF-5)';
        return n >= a.referentCount ? `the network already has the ${a.referentCount} référent(s) agreed in its convention` : null;
      },
    },
    {
      ruleId: 'REF-1',
      holds: 'the new référent is not already one',
      check: (a, c) => (otherSeatHolder(a, c.email) ? `${c.email} is already a référent of this agrément` : null),
    },
    {
      // One person, one seat: designated now, they would hold two once the change takes effect (both with their own REF-3 badge deadlines).
      ruleId: 'REF-1',
      holds: 'the new référent is not the one a pending change (REF-5) brings in',
      check: (a, c) =>
        a.referentChange && sameEmail(a.referentChange.email, c.email)
          ? `${c.email} takes over as référent on ${a.referentChange.effectiveOn} (change notified on ${a.referentChange.notifiedOn}, REF-5)`
          : null,
    },
  ],
  next: unchanged,
  validate(c, a, today) {
    actDate('on', c.on, a, today);
    requiredText('name', c.name, 'the référent is named (REF-1)');
    requiredText('email', c.email, "the référent's e-mail is given (REF-1)");
    requiredText('cv', c.cv, 'a référent is designated with their CV (REF-1, REF-5)');
  },
  apply({ a, emit }, c) {
    const r: Referent = {
      name: c.name.trim(),
      email: c.email.trim(),
      trained: false,
      recognisedQualifications: c.recognisedQualifications === true,
      appointedOn: c.on,
      badgeObtainedOn: null,
      contributions: {},
    };
    const tag = freshBadgeTag(a, c.on, r.email);
    a.otherReferents = [...(a.otherReferents ?? []), tag ? { ...r, badgeTag: tag } : r];
    emit('referent-added', ['REF-1', 'REF-2'], {
      on: c.on,
      name: r.name,
      email: r.email,
      referents: referentsOf(a).length,
      agreed: a.referentCount,
    });
  },
});

const referentRemoved = transition({
  command: 'referent-removed',
  procedure: 'referent',
  ruleIds: ['REF-1'],
  summary:
    "One of a network's référents leaves without a successor; the first (Pix's contact) is replaced by a change (REF-5), never removed",
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    {
      ruleId: 'REF-1',
      holds: "one of a network's other référents (a centre keeps its one référent; the first is replaced, REF-5)",
      check: (a, c) => {
        if (a.kind !== 'network') return 'a centre keeps its one référent: notify a change of référent instead (REF-5)';
        return addressedReferent(a, c.referentEmail) === a.referent
          ? "the network's first référent is Pix's contact: notify a change instead (REF-5)"
          : null;
      },
    },
    {
      ruleId: 'REF-5',
      holds: 'no change of this référent is pending',
      check: (a, c) =>
        a.referentChange && replacedBy(a, a.referentChange) === addressedReferent(a, c.referentEmail)
          ? `a change of this référent takes effect on ${a.referentChange.effectiveOn}`
          : null,
    },
  ],
  next: unchanged,
  validate(c, a, today) {
    actDate('on', c.on, a, today);
    requiredText('referentEmail', c.referentEmail, 'referentEmail names the référent who leaves (REF-1)');
    addressedReferent(a, c.referentEmail);
  },
  apply({ a, emit }, c) {
    const r = addressedReferent(a, c.referentEmail);
    a.otherReferents = (a.otherReferents ?? []).filter((x) => x !== r);
    emit('referent-removed', ['REF-1'], {
      on: c.on,
      name: r.name,
      email: r.email,
      referents: referentsOf(a).length,
      agreed: a.referentCount,
    });
  },
});

const referentCountRevised = transition({
  command: 'referent-count-revised',
  procedure: 'referent',
  ruleIds: ['REF-1'],
  summary: 'The number of référents agreed for a network, revised with the number of its centres (CdC §3.1.2)',
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    {
      ruleId: 'REF-1',
      holds: "a network's agrément (a centre has one référent)",
      check: (a) => (a.kind !== 'network' ? 'a centre designates one référent' : null),
    },
    {
      ruleId: 'REF-1',
      holds: 'not below the référents designated',
      check: (a, c) => {
        const n = referentsOf(a).length;
        return c.count < n ? `the network has ${n} référents: remove some before agreeing fewer` : null;
      },
    },
  ],
  next: unchanged,
  validate(c, a, today) {
    actDate('on', c.on, a, today);
    if (!Number.isInteger(c.count) || c.count < 1 || c.count > 1000)
      throw new InvalidCommand('count', 'count must be a whole number of référents, at least 1 (REF-1)');
  },
  apply({ a, emit }, c) {
    const previous = a.referentCount;
    a.referentCount = c.count;
    emit('referent-count-revised', ['REF-1'], { on: c.on, previous, count: c.count, referents: referentsOf(a).length });
  },
});

/** REF-3: a référent's badge deadlines; the first référent's keep their keys, another's carry its e-mail. */
function badgeDeadlines(r: Referent, first: boolean): Deadline[] {
  const due = badgeDueOnFor(r);
  if (!due) return [];
  const suffix = (first ? '' : `:${r.email}`) + (r.badgeTag ?? '');
  const about = (d: Deadline): Deadline => (first ? d : { ...d, referentEmail: r.email });
  return [
    ...D.badgeReminderDates(due).map((on) => about(deadline('badge-reminder', 'REF-3', on, 'on', suffix))),
    about(deadline('badge-due', 'REF-3', due, 'by', suffix)),
  ];
}

const concerned = (a: Agrement, d: Deadline): Referent =>
  (d.referentEmail && referentsOf(a).find((r) => sameEmail(r.email, d.referentEmail!))) || a.referent;

export const referent: Procedure = {
  name: 'referent',
  title: 'Référent (REF-1..5)',
  transitions: [
    referentChanged,
    referentTrained,
    badgeObtained,
    referentContribution,
    referentAdded,
    referentRemoved,
    referentCountRevised,
  ],
  deadlines(a) {
    const list: Deadline[] = referentsOf(a).flatMap((r, i) => badgeDeadlines(r, i === 0));
    if (a.referentChange)
      list.push(deadline('referent-change-effective', 'REF-5', a.referentChange.effectiveOn, 'on', `:${a.referentChange.notifiedOn}`));
    // REF-4: each agrément year (from the first grant) is judged when it ends…
    const yearEnds = D.agrementYearEnds(a.firstGrantOn, a.termOn);
    for (const end of yearEnds) list.push(deadline('referent-contribution-year', 'REF-4', end, 'on'));
    // …and warned of beforehand when its contribution falls short (not for years begun before this agrément's start).
    if (!a.legacyNoContributionWarning) {
      for (const end of yearEnds) {
        const warnOn = D.contributionWarningOn(end);
        if (warnOn >= a.startOn) list.push(deadline('referent-contribution-warning', 'REF-4', warnOn, 'on'));
      }
    }
    return list;
  },
  onDeadline: {
    'badge-reminder'({ a, emit }, d) {
      const r = concerned(a, d);
      const due = badgeDueOnFor(r)!;
      emit('badge-reminder', ['REF-3'], { badgeDueOn: due, daysLeft: D.daysFrom(d.on, due), referentName: r.name });
    },
    'badge-due'(ctx, d, on) {
      const r = concerned(ctx.a, d);
      ctx.emit('badge-missed', ['REF-3'], { badgeDueOn: d.on, referentName: r.name });
      propose(ctx, { kind: 'breach-notice', cause: 'badge', ruleId: 'REF-3', proposedOn: on, grounds: { badgeDueOn: d.on } });
    },
    'referent-change-effective'(ctx, d) {
      takeOver(ctx, d.on);
    },
    'referent-contribution-year'({ a, emit }, d) {
      const year = D.agrementYearOf(a.firstGrantOn, d.on) - 1;
      const required = PARAMETERS.referent.yearlyContributionDays;
      for (const r of referentsOf(a)) {
        const days = r.contributions[String(year)] ?? 0;
        emit(days < required ? 'referent-contribution-short' : 'referent-contribution-met', ['REF-4'], {
          agrementYear: year,
          yearEndedOn: d.on,
          days,
          required,
          referentName: r.name,
        });
      }
    },
    'referent-contribution-warning'({ a, emit }, d) {
      const year = D.agrementYearOf(a.firstGrantOn, d.on);
      // The year ends at the start of its anniversary: the days are due by the day before.
      const lastDay = D.shiftDays(D.agrementYearEndOn(a.firstGrantOn, year), -1);
      const required = PARAMETERS.referent.yearlyContributionDays;
      const short = referentsOf(a).filter((r) => (r.contributions[String(year)] ?? 0) < required);
      for (const r of short) {
        const days = r.contributions[String(year)] ?? 0;
        emit('referent-contribution-warning', ['REF-4'], {
          agrementYear: year,
          yearEndsOn: lastDay,
          days,
          required,
          referentName: r.name,
          referentEmail: r.email,
        });
      }
      // Every deadline reached leaves a trace (and moves the workflow on), even when nobody falls short.
      if (short.length === 0) emit('referent-contribution-on-track', ['REF-4'], { agrementYear: year, yearEndsOn: lastDay, required });
    },
  },
};
