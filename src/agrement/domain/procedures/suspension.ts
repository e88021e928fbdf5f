import { actDate, AFTER_END, type Context, LIVE_STATES, type Procedure, requiredText, transition, opens, closes } from '../machine';

/** SUS-1..4, SUS-6: Pix's suspension with immediate effect, until it is lifted (a network's as a whole). */

export function suspend({ a, emit }: Context, on: string, reason: string): void {
  a.suspension = { since: on, reason };
  // SUS-2: no sessions, no registrations; SUS-3: amounts owed payable at once; SUS-6: a network's members with it.
  emit('suspended', a.kind === 'network' ? ['SUS-1', 'SUS-2', 'SUS-3', 'SUS-6'] : ['SUS-1', 'SUS-2', 'SUS-3'], { since: on, reason });
}

const suspended = transition({
  command: 'suspended',
  procedure: 'suspension',
  ruleIds: ['SUS-1', 'SUS-2', 'SUS-3', 'SUS-6'],
  summary: 'The legal team suspends with immediate effect, giving its reason (possible under force majeure, TER-3)',
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    {
      ruleId: 'SUS-1',
      holds: 'not already suspended',
      check: (a) => (a.suspension ? `the agrément is already suspended (since ${a.suspension.since})` : null),
    },
  ],
  next: opens('suspended'),
  validate(c, a, today) {
    actDate('on', c.on, a, today);
    requiredText('reason', c.reason, 'a suspension gives its reason (SUS-1)');
  },
  apply(ctx, c) {
    suspend(ctx, c.on, c.reason.trim());
  },
});

const suspensionLifted = transition({
  command: 'suspension-lifted',
  procedure: 'suspension',
  ruleIds: ['SUS-4'],
  summary: 'The legal team lifts the suspension once the obligations are restored',
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [{ ruleId: 'SUS-4', holds: 'a suspension is in force', check: (a) => (a.suspension ? null : 'the agrément is not suspended') }],
  next: closes('suspended', ['active']),
  validate: (c, a, today) => void actDate('on', c.on, a, today, [a.suspension?.since, 'the suspension']),
  apply({ a, emit }, c) {
    const since = a.suspension!.since;
    a.suspension = null;
    emit('suspension-lifted', ['SUS-4'], { since, liftedOn: c.on });
  },
});

export const suspension: Procedure = {
  name: 'suspension',
  title: 'Suspension (SUS-1..4, SUS-6)',
  transitions: [suspended, suspensionLifted],
  deadlines: () => [],
  onDeadline: {},
};
