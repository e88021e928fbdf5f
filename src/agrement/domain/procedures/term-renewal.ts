import { grantedYears } from '../../../application/domain/procedure';
import * as D from '../deadlines';
import { actDate, AFTER_END, deadline, type Deadline, type Procedure, transition, unchanged } from '../machine';
import { end } from './termination';

/** AGR-1..4: the term, the renewal request 3 months before it, its acceptance before it, expiry at it. */

const renewalRequested = transition({
  command: 'renewal-requested',
  procedure: 'term-renewal',
  ruleIds: ['AGR-2'],
  summary: "The centre's renewal request, dated when Pix receives it",
  allowedIn: ['active', 'suspended', 'force-majeure', 'under-notice'],
  refusedBy: { terminating: 'TER-5', ...AFTER_END },
  guards: [
    {
      ruleId: 'AGR-2',
      holds: 'no renewal already requested',
      check: (a) => (a.renewal.requestedOn ? `a renewal is already requested (${a.renewal.requestedOn})` : null),
    },
    {
      ruleId: 'AGR-2',
      holds: 'received at least 3 months before the term',
      check: (a, c) => {
        const due = D.renewalDueOn(a.termOn);
        return c.on > due ? `the renewal request was due by ${due}, 3 months before the term ${a.termOn} (AGR-2)` : null;
      },
    },
  ],
  next: unchanged,
  validate: (c, a, today) => void actDate('on', c.on, a, today),
  apply({ a, emit }, c) {
    a.renewal.requestedOn = c.on;
    emit('renewal-requested', ['AGR-2'], { on: c.on, termOn: a.termOn });
  },
});

const renewalAccepted = transition({
  command: 'renewal-accepted',
  procedure: 'term-renewal',
  ruleIds: ['AGR-3'],
  summary: 'Pix accepts the renewal before the term, for the duration it states or the initial one',
  allowedIn: ['active', 'suspended', 'force-majeure', 'under-notice'],
  refusedBy: { terminating: 'TER-5', ...AFTER_END },
  guards: [
    {
      ruleId: 'AGR-2',
      holds: 'a renewal was requested (AGR-1: no tacit renewal)',
      check: (a) => (a.renewal.requestedOn ? null : 'no renewal request to accept (AGR-1: no tacit renewal)'),
    },
    { ruleId: 'AGR-3', holds: 'not already accepted', check: (a) => (a.renewal.acceptedOn ? 'the renewal is already accepted' : null) },
    {
      ruleId: 'AGR-3',
      holds: 'accepted before the term',
      check: (a, c) => (c.on >= a.termOn ? `a renewal takes effect only if accepted before the term ${a.termOn} (AGR-3)` : null),
    },
  ],
  next: unchanged,
  validate: (c, a, today) => void actDate('on', c.on, a, today, [a.renewal.requestedOn, 'the renewal request']),
  apply({ a, emit }, c) {
    // AGR-3: the duration Pix states, else the initial one.
    const years = grantedYears(a.foreign, c.years ?? a.initialYears);
    a.renewal = { ...a.renewal, acceptedOn: c.on, years };
    emit('renewal-accepted', ['AGR-3'], { on: c.on, years, newTermOn: D.termOn(a.termOn, years) });
  },
});

export const termAndRenewal: Procedure = {
  name: 'term-renewal',
  title: 'Term and renewal (AGR-1..4)',
  transitions: [renewalRequested, renewalAccepted],
  deadlines(a) {
    const list: Deadline[] = [];
    const due = D.renewalDueOn(a.termOn);
    if (!a.renewal.requestedOn && !a.termination) {
      for (const r of D.renewalReminderDates(due)) list.push(deadline('renewal-reminder', 'AGR-2', r, 'on'));
      list.push(deadline('renewal-request-due', 'AGR-2', due, 'by'));
    }
    list.push(deadline('term', a.renewal.acceptedOn ? 'AGR-3' : 'AGR-4', a.termOn, 'on'));
    return list;
  },
  onDeadline: {
    'renewal-reminder'({ a, emit }, d) {
      const due = D.renewalDueOn(a.termOn);
      emit('renewal-reminder', ['AGR-2'], { renewalDueOn: due, termOn: a.termOn, daysLeft: D.daysFrom(d.on, due) });
    },
    'renewal-request-due'({ a, emit }, d) {
      emit('renewal-request-missed', ['AGR-2'], { renewalDueOn: d.on, termOn: a.termOn });
    },
    term(ctx, d) {
      const { a, emit } = ctx;
      if (!a.renewal.acceptedOn) return end(ctx, d.on, 'expiry');
      // AGR-3: the renewal takes effect at the term.
      const previousTermOn = a.termOn;
      const years = a.renewal.years ?? a.initialYears;
      a.startOn = previousTermOn;
      a.termOn = D.termOn(previousTermOn, years);
      a.renewal = { requestedOn: null, acceptedOn: null, years: null };
      emit('renewed', ['AGR-3'], { previousTermOn, newTermOn: a.termOn, years });
    },
  },
};
