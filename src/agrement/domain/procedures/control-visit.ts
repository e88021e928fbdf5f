import { PARAMETERS } from '../../../config/parameters';
import * as D from '../deadlines';
import { actDate, AFTER_END, deadline, instanceSuffix, instanceTag, LIVE_STATES, type Procedure, transition, unchanged } from '../machine';
import { propose } from './termination';

/** SUS-5, VIS-3: Pix demands a control visit at the centre's cost; refusal or no answer within 1 month leads to termination. */

const visitDemanded = transition({
  command: 'visit-demanded',
  procedure: 'control-visit',
  ruleIds: ['SUS-5', 'VIS-3'],
  summary: "Pix demands a control visit at the centre's cost: answer due within 1 month",
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    {
      ruleId: 'SUS-5',
      holds: 'no demand already awaiting its answer',
      check: (a) => (a.visit ? `a control-visit demand is already awaiting its answer (due ${a.visit.answerDueOn})` : null),
    },
  ],
  next: unchanged,
  validate: (c, a, today) => void actDate('on', c.on, a, today),
  apply({ a, emit }, c) {
    a.visit = { demandedOn: c.on, answerDueOn: D.visitAnswerDueOn(c.on), ...instanceTag(a, 'visit-answer-due', c.on) };
    emit('visit-demanded', ['SUS-5', 'VIS-3'], {
      demandedOn: a.visit.demandedOn,
      answerDueOn: a.visit.answerDueOn,
      costCapEur: PARAMETERS.visits.controlVisitCapEur,
    });
  },
});

const visitAnswered = transition({
  command: 'visit-answered',
  procedure: 'control-visit',
  ruleIds: ['SUS-5'],
  summary: "The centre's answer, dated when Pix receives it; a refusal leads to a termination proposal",
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    { ruleId: 'SUS-5', holds: 'a demand awaits its answer', check: (a) => (a.visit ? null : 'no control-visit demand awaits an answer') },
  ],
  next: unchanged,
  validate: (c, a, today) => void actDate('on', c.on, a, today, [a.visit?.demandedOn, 'the demand']),
  apply(ctx, c) {
    ctx.a.visit = null;
    ctx.emit('visit-answered', ['SUS-5'], { on: c.on, accepted: c.accepted === true });
    if (c.accepted !== true)
      propose(ctx, { kind: 'termination', cause: 'visit', ruleId: 'SUS-5', proposedOn: c.on, grounds: { refused: true } });
  },
});

export const controlVisit: Procedure = {
  name: 'control-visit',
  title: 'Control-visit demand (SUS-5, VIS-3)',
  transitions: [visitDemanded, visitAnswered],
  // TER-3: the answer period does not run under force majeure.
  deadlines: (a) =>
    a.visit && !a.forceMajeure
      ? [deadline('visit-answer-due', 'SUS-5', a.visit.answerDueOn, 'by', instanceSuffix(a.visit.demandedOn, a.visit.tag))]
      : [],
  onDeadline: {
    'visit-answer-due'(ctx, d, on) {
      ctx.a.visit = null;
      ctx.emit('visit-answer-missed', ['SUS-5'], { answerDueOn: d.on });
      propose(ctx, { kind: 'termination', cause: 'visit', ruleId: 'SUS-5', proposedOn: on, grounds: { answerDueOn: d.on } });
    },
  },
};
