import { PARAMETERS } from '../../../config/parameters';
import * as D from '../deadlines';
import {
  actDate,
  AFTER_END,
  type Context,
  deadline,
  instanceSuffix,
  instanceTag,
  LIVE_STATES,
  type Procedure,
  requiredText,
  transition,
  opens,
  closes,
} from '../machine';
import type { Agrement } from '../model';
import { propose } from './termination';

/** BRE-1..3: the formal notice by registered letter, its 30-day cure period (less Pix's suspension, BRE-2), the cure. */

/** BRE-2: days of Pix's suspension (SUS-1) before the letter, force-majeure days excluded (TER-3), at most the cure period. */
export function suspendedDaysToDeduct(a: Agrement, letterSentOn: string): number {
  if (!a.suspension || a.suspension.since > letterSentOn) return 0;
  return Math.min(PARAMETERS.breach.cureDays, D.daysOutside(a.suspension.since, letterSentOn, a.forceMajeurePeriods));
}

export function notifyBreach({ a, emit }: Context, letterSentOn: string, reason: string): void {
  const deducted = suspendedDaysToDeduct(a, letterSentOn);
  const cureDueOn = D.shiftDays(letterSentOn, PARAMETERS.breach.cureDays - deducted);
  a.breach = { letterSentOn, cureDueOn, suspendedDaysDeducted: deducted, reason, ...instanceTag(a, 'cure-due', letterSentOn) };
  emit('breach-notified', deducted ? ['BRE-1', 'BRE-2'] : ['BRE-1'], { letterSentOn, cureDueOn, suspendedDaysDeducted: deducted, reason });
}

const breachNotified = transition({
  command: 'breach-notified',
  procedure: 'breach',
  ruleIds: ['BRE-1', 'BRE-2'],
  summary:
    'The legal team records the formal notice, dated the day its registered letter was sent: 30 days to cure, less the days already suspended',
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    {
      ruleId: 'BRE-1',
      holds: 'no formal notice already running',
      check: (a) => (a.breach ? `a formal notice is already running (cure due ${a.breach.cureDueOn})` : null),
    },
  ],
  next: opens('under-notice'),
  validate(c, a, today) {
    actDate('letterSentOn', c.letterSentOn, a, today);
    requiredText('reason', c.reason, 'a formal notice states the breach (BRE-1)');
  },
  apply(ctx, c) {
    notifyBreach(ctx, c.letterSentOn, c.reason.trim());
  },
});

const breachCured = transition({
  command: 'breach-cured',
  procedure: 'breach',
  ruleIds: ['BRE-3'],
  summary: 'Pix records the cure with its evidence: the procedure closes',
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [{ ruleId: 'BRE-3', holds: 'a formal notice is running', check: (a) => (a.breach ? null : 'no formal notice is running') }],
  next: closes('under-notice', ['active', 'suspended']),
  validate(c, a, today) {
    actDate('on', c.on, a, today, [a.breach?.letterSentOn, 'the formal notice']);
    requiredText('evidence', c.evidence, 'a cure is recorded with its evidence (BRE-3)');
  },
  apply({ a, emit }, c) {
    const { letterSentOn, cureDueOn } = a.breach!;
    a.breach = null;
    emit('breach-cured', ['BRE-3'], { curedOn: c.on, evidence: c.evidence.trim(), letterSentOn, cureDueOn });
  },
});

export const breach: Procedure = {
  name: 'breach',
  title: 'Breach and cure (BRE-1..3)',
  transitions: [breachNotified, breachCured],
  // TER-3: the cure period does not run under force majeure (its end moves by the days it lasted).
  deadlines: (a) =>
    a.breach && !a.forceMajeure
      ? [deadline('cure-due', 'BRE-1', a.breach.cureDueOn, 'by', instanceSuffix(a.breach.letterSentOn, a.breach.tag))]
      : [],
  onDeadline: {
    'cure-due'(ctx, d, on) {
      ctx.emit('cure-deadline-passed', ['BRE-1'], { cureDueOn: d.on });
      propose(ctx, { kind: 'termination', cause: 'breach', ruleId: 'BRE-1', proposedOn: on, grounds: { cureDueOn: d.on } });
    },
  },
};
