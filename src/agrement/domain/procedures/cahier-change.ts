import { InvalidCommand } from '../../../shared/domain/errors';
import * as D from '../deadlines';
import {
  actDate,
  AFTER_END,
  dateField,
  deadline,
  instanceSuffix,
  instanceTag,
  LIVE_STATES,
  type Procedure,
  requiredText,
  transition,
  unchanged,
} from '../machine';

/** AGR-5, AGR-6: a substantial change of the cahier: the centre applies it within 1 month, or terminates with effect at its entry into force. */

const cahierChangeNotified = transition({
  command: 'cahier-change-notified',
  procedure: 'cahier-change',
  ruleIds: ['AGR-5', 'AGR-6'],
  summary: 'Pix notifies a substantial change of the cahier: 1 month to apply it or terminate (a later notification supersedes)',
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [],
  next: unchanged,
  validate(c, a, today) {
    actDate('on', c.on, a, today);
    requiredText('summary', c.summary, 'describe the substantial change (AGR-5)');
    if (c.effectiveOn !== undefined && dateField('effectiveOn', c.effectiveOn) < c.on) {
      throw new InvalidCommand('effectiveOn', 'the new cahier cannot take effect before its notification');
    }
  },
  apply({ a, emit }, c) {
    const applyBy = D.cahierChangeApplyBy(c.on);
    const change = { notifiedOn: c.on, applyBy, effectiveOn: c.effectiveOn ?? applyBy, summary: c.summary.trim() };
    a.cahierChange = { ...change, ...instanceTag(a, 'cahier-change-apply-by', c.on) };
    emit('cahier-change-notified', ['AGR-5', 'AGR-6'], change);
  },
});

export const cahierChange: Procedure = {
  name: 'cahier-change',
  title: 'Change of the cahier des charges (AGR-5, AGR-6)',
  transitions: [cahierChangeNotified],
  deadlines: (a) =>
    a.cahierChange
      ? [
          deadline(
            'cahier-change-apply-by',
            'AGR-5',
            a.cahierChange.applyBy,
            'by',
            instanceSuffix(a.cahierChange.notifiedOn, a.cahierChange.tag),
          ),
        ]
      : [],
  onDeadline: {
    'cahier-change-apply-by'({ a, emit }, d) {
      a.cahierChange = null;
      emit('cahier-change-applicable', ['AGR-5'], { applyBy: d.on });
    },
  },
};
