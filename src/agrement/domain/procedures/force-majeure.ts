import * as D from '../deadlines';
import {
  actDate,
  AFTER_END,
  deadline,
  deadlineKey,
  type DeadlineName,
  instanceSuffix,
  instanceTag,
  LIVE_STATES,
  type Procedure,
  transition,
  opens,
  closes,
} from '../machine';
import { end } from './termination';

/**
 * TER-3: force majeure suspends the convention (it is not Pix's suspension: BRE-2 does not count it);
 * periods the centre owes (cure, visit answer, labour documents) do not run meanwhile and resume,
 * moved by the days it lasted; lasting strictly more than 2 months, it terminates the convention.
 */

const forceMajeureStarted = transition({
  command: 'force-majeure-started',
  procedure: 'force-majeure',
  ruleIds: ['TER-3'],
  summary: 'Force majeure begins (also while suspended): the convention is suspended, owed periods stop running',
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    {
      ruleId: 'TER-3',
      holds: 'no force majeure already in course',
      check: (a) => (a.forceMajeure ? `force majeure is already recorded (since ${a.forceMajeure.since})` : null),
    },
  ],
  next: opens('force-majeure'),
  validate: (c, a, today) =>
    void actDate('on', c.on, a, today, [a.forceMajeurePeriods.at(-1)?.endedOn, 'the end of the previous force majeure']),
  apply({ a, emit }, c) {
    a.forceMajeure = { since: c.on, limitOn: D.forceMajeureLimitOn(c.on), ...instanceTag(a, 'force-majeure-limit', c.on) };
    a.forceMajeurePeriods = [...a.forceMajeurePeriods, { since: c.on, endedOn: null }];
    emit('force-majeure-started', ['TER-3'], {
      since: c.on,
      limitOn: a.forceMajeure.limitOn,
      terminatesOn: D.dayAfter(a.forceMajeure.limitOn),
    });
  },
});

const forceMajeureEnded = transition({
  command: 'force-majeure-ended',
  procedure: 'force-majeure',
  ruleIds: ['TER-3'],
  summary: 'Force majeure ends: owed periods resume, moved by the days it lasted',
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    { ruleId: 'TER-3', holds: 'force majeure is in course', check: (a) => (a.forceMajeure ? null : 'no force majeure is recorded') },
  ],
  next: closes('force-majeure', ['active', 'suspended', 'under-notice']),
  validate: (c, a, today) => void actDate('on', c.on, a, today, [a.forceMajeure?.since, 'the start of the force majeure']),
  apply({ a, emit }, c) {
    const { since } = a.forceMajeure!;
    a.forceMajeure = null;
    a.forceMajeurePeriods = a.forceMajeurePeriods.map((p) => (p.endedOn === null ? { ...p, endedOn: c.on } : p));
    // Each owed period resumes: its end moves by the days force majeure held it (from the later of its start and the force majeure's).
    const moved = (startedOn: string, dueOn: string) => D.shiftDays(dueOn, D.daysFrom(startedOn > since ? startedOn : since, c.on));
    // A period whose deadline has already passed (missed, its proposal made) is not revived: it would be missed twice.
    const missed = (name: DeadlineName, dueOn: string, startedOn: string, tag?: string) =>
      a.handled.includes(deadlineKey(name, dueOn, instanceSuffix(startedOn, tag)));
    const extended: Record<string, string> = {};
    if (a.breach && !missed('cure-due', a.breach.cureDueOn, a.breach.letterSentOn, a.breach.tag))
      extended.cureDueOn = a.breach.cureDueOn = moved(a.breach.letterSentOn, a.breach.cureDueOn);
    if (a.visit) extended.answerDueOn = a.visit.answerDueOn = moved(a.visit.demandedOn, a.visit.answerDueOn);
    if (
      a.labourDocuments &&
      !missed('labour-documents-due', a.labourDocuments.dueOn, a.labourDocuments.requestedOn, a.labourDocuments.tag)
    ) {
      extended.labourDocumentsDueOn = a.labourDocuments.dueOn = moved(a.labourDocuments.requestedOn, a.labourDocuments.dueOn);
    }
    emit('force-majeure-ended', ['TER-3'], { since, endedOn: c.on, days: D.daysFrom(since, c.on), ...extended });
  },
});

export const forceMajeure: Procedure = {
  name: 'force-majeure',
  title: 'Force majeure (TER-3)',
  transitions: [forceMajeureStarted, forceMajeureEnded],
  deadlines: (a) =>
    a.forceMajeure
      ? [deadline('force-majeure-limit', 'TER-3', a.forceMajeure.limitOn, 'by', instanceSuffix(a.forceMajeure.since, a.forceMajeure.tag))]
      : [],
  onDeadline: {
    'force-majeure-limit'(ctx, d) {
      // Still ongoing at the end of the limit day: it lasted more than 2 months; terminated the next day.
      end(ctx, D.dayAfter(d.on), 'force-majeure');
    },
  },
};
