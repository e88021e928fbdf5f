import { PARAMETERS } from '../../../config/parameters';
import { InvalidCommand } from '../../errors';
import * as D from '../deadlines';
import { actDate, AFTER_END, type Context, dateField, deadline, type Deadline, keysTag, LIVE_STATES, type Procedure, requiredText, transition, unchanged } from '../machine';
import type { Agrement } from '../model';
import { propose } from './termination';

/**
 * REF-1..5: the centre's single référent (REF-1: the model holds one), trained before any session
 * (REF-2), with the badge within 6 months unless qualified (REF-3), 4 days a year of Pix activities
 * judged at each agrément year's end (REF-4), and a change notified in advance with a CV (REF-5).
 */

/** REF-3: the badge deadline, when the référent owes one and has not shown it. */
export function badgeDueOn(a: Agrement): string | null {
  if (a.referent.recognisedQualifications || a.referent.badgeObtainedOn) return null;
  return D.badgeDueOn(a.referent.appointedOn);
}

function takeOver({ a, emit }: Context, on: string): void {
  const change = a.referentChange!;
  a.referentChange = null;
  // REF-3: the new référent's badge deadlines are their own, even on the dates of an earlier référent's.
  const due = D.badgeDueOn(on);
  const { tag } = keysTag(a, [`badge-due:${due}`, ...D.badgeReminderDates(due).map((r) => `badge-reminder:${r}`)]);
  const { badgeTag: _previous, ...referent } = a.referent;
  // REF-5: REF-2 applies to the new référent: untrained until Pix trains them.
  a.referent = {
    ...referent,
    name: change.name,
    email: change.email,
    trained: false,
    recognisedQualifications: change.recognisedQualifications,
    appointedOn: on,
    badgeObtainedOn: null,
    ...(tag ? { badgeTag: tag } : {}),
  };
  emit('referent-changed', ['REF-5', 'REF-2'], { on, name: change.name, notifiedOn: change.notifiedOn });
}

const referentChanged = transition({
  command: 'referent-changed',
  procedure: 'referent',
  ruleIds: ['REF-5', 'REF-2'],
  summary: "A change of référent, notified in advance with the new référent's CV; the new one is trained before any session",
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [],
  next: unchanged,
  validate(c, a, today) {
    const on = actDate('on', c.on, a, today);
    requiredText('name', c.name, 'the new référent is named (REF-5)');
    requiredText('email', c.email, "the new référent's e-mail is given (REF-5)");
    requiredText('cv', c.cv, "a change of référent is notified with the new référent's CV (REF-5)");
    if (c.effectiveOn !== undefined && dateField('effectiveOn', c.effectiveOn) < on) {
      throw new InvalidCommand('effectiveOn', 'a change of référent is notified in advance: effectiveOn cannot precede the notification (REF-5)');
    }
  },
  apply(ctx, c) {
    const effectiveOn = c.effectiveOn ?? c.on;
    ctx.a.referentChange = {
      notifiedOn: c.on,
      effectiveOn,
      name: c.name.trim(),
      email: c.email.trim(),
      cv: c.cv!.trim(),
      recognisedQualifications: c.recognisedQualifications === true,
    };
    if (effectiveOn <= ctx.today) takeOver(ctx, effectiveOn);
    else ctx.emit('referent-change-notified', ['REF-5'], { on: c.on, effectiveOn, name: c.name.trim() });
  },
});

const referentTrained = transition({
  command: 'referent-trained',
  procedure: 'referent',
  ruleIds: ['REF-2'],
  summary: 'The référent completed the Pix training',
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [{ ruleId: 'REF-2', holds: 'the référent is not trained yet', check: (a) => (a.referent.trained ? 'the référent is already trained' : null) }],
  next: unchanged,
  validate: (c, a, today) => void actDate('on', c.on, a, today, [a.referent.appointedOn > a.startOn ? a.referent.appointedOn : null, "the référent's appointment"]),
  apply({ a, emit }, c) {
    a.referent.trained = true;
    emit('referent-trained', ['REF-2'], { on: c.on, name: a.referent.name });
  },
});

const badgeObtained = transition({
  command: 'badge-obtained',
  procedure: 'referent',
  ruleIds: ['REF-3'],
  summary: 'The référent showed the "Référent Pix" badge',
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [{ ruleId: 'REF-3', holds: 'no badge recorded yet', check: (a) => (a.referent.badgeObtainedOn ? 'the badge is already recorded' : null) }],
  next: unchanged,
  validate: (c, a, today) => void actDate('on', c.on, a, today),
  apply(ctx, c) {
    ctx.a.referent.badgeObtainedOn = c.on;
    ctx.emit('badge-obtained', ['REF-3'], { on: c.on });
    const withdrawn = ctx.a.proposals.filter((p) => p.cause === 'badge');
    ctx.a.proposals = ctx.a.proposals.filter((p) => p.cause !== 'badge');
    for (const p of withdrawn) ctx.emit('proposal-withdrawn', [p.ruleId, 'BRE-4'], { proposalId: p.id, cause: 'badge', because: 'badge-obtained', on: c.on });
  },
});

const referentContribution = transition({
  command: 'referent-contribution',
  procedure: 'referent',
  ruleIds: ['REF-4'],
  summary: "Days of the référent's contribution to Pix activities, counted in the agrément year of their date",
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [],
  next: unchanged,
  validate(c, a, today) {
    if (typeof c.days !== 'number' || !(c.days > 0) || c.days > 366) throw new InvalidCommand('days', 'days must be a positive number of days');
    actDate('on', c.on, a, today, [a.firstGrantOn, 'the first grant']);
  },
  apply({ a, emit }, c) {
    const year = D.agrementYearOf(a.firstGrantOn, c.on!);
    const key = String(year);
    a.referent.contributions = { ...a.referent.contributions, [key]: (a.referent.contributions[key] ?? 0) + c.days };
    emit('referent-contribution', ['REF-4'], { on: c.on, agrementYear: year, days: c.days, total: a.referent.contributions[key], required: PARAMETERS.referent.yearlyContributionDays });
  },
});

export const referent: Procedure = {
  name: 'referent',
  title: 'Référent (REF-1..5)',
  transitions: [referentChanged, referentTrained, badgeObtained, referentContribution],
  deadlines(a) {
    const list: Deadline[] = [];
    const badgeDue = badgeDueOn(a);
    if (badgeDue) {
      const tag = a.referent.badgeTag ?? '';
      for (const r of D.badgeReminderDates(badgeDue)) list.push(deadline('badge-reminder', 'REF-3', r, 'on', tag));
      list.push(deadline('badge-due', 'REF-3', badgeDue, 'by', tag));
    }
    if (a.referentChange) list.push(deadline('referent-change-effective', 'REF-5', a.referentChange.effectiveOn, 'on', `:${a.referentChange.notifiedOn}`));
    // REF-4: each agrément year (from the first grant) is judged when it ends.
    for (const end of D.agrementYearEnds(a.firstGrantOn, a.termOn)) list.push(deadline('referent-contribution-year', 'REF-4', end, 'on'));
    return list;
  },
  onDeadline: {
    'badge-reminder'({ a, emit }, d) {
      const due = badgeDueOn(a)!;
      emit('badge-reminder', ['REF-3'], { badgeDueOn: due, daysLeft: D.daysFrom(d.on, due), referentName: a.referent.name });
    },
    'badge-due'(ctx, d, on) {
      ctx.emit('badge-missed', ['REF-3'], { badgeDueOn: d.on });
      propose(ctx, { kind: 'breach-notice', cause: 'badge', ruleId: 'REF-3', proposedOn: on, grounds: { badgeDueOn: d.on } });
    },
    'referent-change-effective'(ctx, d) {
      takeOver(ctx, d.on);
    },
    'referent-contribution-year'({ a, emit }, d) {
      const year = D.agrementYearOf(a.firstGrantOn, d.on) - 1;
      const days = a.referent.contributions[String(year)] ?? 0;
      const required = PARAMETERS.referent.yearlyContributionDays;
      emit(days < required ? 'referent-contribution-short' : 'referent-contribution-met', ['REF-4'], { agrementYear: year, yearEndedOn: d.on, days, required });
    },
  },
};
