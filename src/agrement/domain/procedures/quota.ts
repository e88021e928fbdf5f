import { PARAMETERS } from '../../../config/parameters';
import { InvalidCommand } from '../../../shared/domain/errors';
import * as D from '../deadlines';
import { dateField, deadline, type Deadline, LIVE_STATES, type Procedure, requiredText, transition, unchanged } from '../machine';
import type { AgrementEvent } from '../model';
import { propose, withdrawProposals } from './termination';

/**
 * QUO-1..3: candidates who sat in finalised sessions held within [first grant, first grant + 3 years)
 * count towards 600 (a centre) or 2,500 (a network); the pace is checked and warned about; the count is
 * judged once the window's last sessions could be finalised (48 h, SES-10); a withdrawal proposal not
 * yet confirmed is withdrawn when the count reaches the threshold.
 */

/**
 * QUO-3: the sessions already reported, as a set kept beside the agrément's list (which stays the state, as stored and
 * replayed): a bulk signal checks up to 1,000 sessions against the thousands a network may have counted. Rebuilt when
 * the list is another one or has grown without it.
 */
const reportedIndex = new WeakMap<readonly string[], Set<string>>();
function reportedSessions(ids: readonly string[]): Set<string> {
  let set = reportedIndex.get(ids);
  if (!set || set.size !== ids.length) {
    set = new Set(ids);
    reportedIndex.set(ids, set);
  }
  return set;
}

/**
 * QUO-3: the event of a session counted. It changes only the quota's count and list, which no deadline reads (the quota's
 * are dates from the first grant): a bulk fold keeps its ledger across such events (decideSessionsFinalised).
 */
export const SESSION_COUNTED = 'sessions-finalised';

/**
 * QUO-3: how counted sessions go to the audit log. A bulk signal (a history import: up to 1,000 sessions at once) counts
 * them in a row; each such run becomes one entry listing its sessions, with the total after the last (what the quota
 * chart reads), instead of one entry per session (an import of 100,000 sessions wrote as many entries into the
 * agréments' timelines, each imported session being logged in its own stream already). A session counted alone, or
 * any other event, stays one entry. `offset` is the index of the entry's first event: its sequence keys the entry, so a
 * retried write (or one from before this grouping) records nothing twice.
 */
export function logRecords(events: readonly AgrementEvent[]): Array<{ event: AgrementEvent; offset: number }> {
  const records: Array<{ event: AgrementEvent; offset: number }> = [];
  for (let i = 0; i < events.length;) {
    let end = i;
    while (end < events.length && events[end]!.type === SESSION_COUNTED) end++;
    if (end - i < 2) {
      records.push({ event: events[i]!, offset: i });
      i++;
      continue;
    }
    const run = events.slice(i, end);
    const sessions = run.map(({ data }) => ({
      sessionId: data.sessionId,
      sessionDate: data.sessionDate,
      candidates: data.candidates,
      counted: data.counted,
    }));
    records.push({
      offset: i,
      event: {
        type: SESSION_COUNTED,
        ruleIds: run[0]!.ruleIds,
        from: run[0]!.from,
        to: run[run.length - 1]!.to,
        data: {
          sessions,
          counted: sessions.some((x) => x.counted === true),
          candidates: sessions.reduce((sum, x) => sum + (x.counted === true ? Number(x.candidates) : 0), 0),
          total: run[run.length - 1]!.data.total,
        },
      },
    });
    i = end;
  }
  return records;
}

const sessionsFinalised = transition({
  command: 'sessions-finalised',
  procedure: 'quota',
  ruleIds: ['QUO-3', 'QUO-1'],
  summary: 'A finalised session reports its candidates who sat: counted once, if held within the 3-year window',
  allowedIn: [...LIVE_STATES, 'expired', 'terminated'],
  refusedBy: {},
  guards: [
    {
      ruleId: 'TER-5',
      holds: 'after the end, only a session held before it is recorded',
      check: (a, c) =>
        a.end && (c.sessionDate ?? c.finalisedOn) >= a.end.on ? `the agrément ended on ${a.end.on}: no session after it (TER-5)` : null,
    },
  ],
  next: unchanged,
  validate(c, a) {
    dateField('finalisedOn', c.finalisedOn);
    if (c.sessionDate !== undefined) dateField('sessionDate', c.sessionDate);
    if (!Number.isInteger(c.candidates) || c.candidates < 0)
      throw new InvalidCommand('candidates', 'candidates must be a non-negative integer');
    requiredText('sessionId', c.sessionId, 'sessionId is required');
    const held = c.sessionDate ?? c.finalisedOn;
    if (held < a.firstGrantOn)
      throw new InvalidCommand(c.sessionDate ? 'sessionDate' : 'finalisedOn', 'the session was held before the first grant');
  },
  apply(ctx, c) {
    const { a, emit } = ctx;
    // QUO-3: each finalised session counts once, even when reported again.
    const reported = reportedSessions(a.quota.sessionIds);
    if (reported.has(c.sessionId)) return;
    const held = c.sessionDate ?? c.finalisedOn;
    const counted = held < D.quotaWindowEndOn(a.firstGrantOn);
    // `a` is the decision's own copy: the count and the list change in place (copied at each session, a bulk signal was quadratic).
    a.quota.sessionIds.push(c.sessionId);
    reported.add(c.sessionId);
    if (counted) a.quota.candidates += c.candidates;
    emit(SESSION_COUNTED, ['QUO-3'], {
      sessionId: c.sessionId,
      sessionDate: held,
      candidates: c.candidates,
      counted,
      total: a.quota.candidates,
    });
    if (counted && a.quota.candidates >= D.quotaTarget(a.kind)) withdrawProposals(ctx, 'quota', 'quota-reached', c.finalisedOn);
  },
});

export const quota: Procedure = {
  name: 'quota',
  title: 'Candidate quotas (QUO-1..3)',
  transitions: [sessionsFinalised],
  deadlines(a) {
    const list: Deadline[] = D.quotaCheckpoints(a.firstGrantOn).map((c) => deadline('quota-checkpoint', 'QUO-3', c, 'on'));
    list.push(deadline('quota-deadline', 'QUO-2', D.quotaJudgedOn(a.firstGrantOn), 'on'));
    return list;
  },
  onDeadline: {
    'quota-checkpoint'({ a, emit }, d) {
      const target = D.quotaTarget(a.kind);
      const projected = D.projectedCandidates(a.quota.candidates, a.firstGrantOn, d.on);
      const monthsElapsed = PARAMETERS.quota.checkpointMonths[D.quotaCheckpoints(a.firstGrantOn).indexOf(d.on)] ?? null;
      const data = {
        checkpointOn: d.on,
        candidates: a.quota.candidates,
        target,
        projected,
        deadlineOn: D.quotaWindowEndOn(a.firstGrantOn),
        monthsElapsed,
      };
      if (projected < target) emit('quota-warning', ['QUO-3', 'QUO-1'], data);
      else emit('quota-on-track', ['QUO-3'], data);
    },
    'quota-deadline'(ctx, d, on) {
      const { a, emit } = ctx;
      const target = D.quotaTarget(a.kind);
      const windowEndOn = D.quotaWindowEndOn(a.firstGrantOn);
      if (a.quota.candidates < target) {
        emit('quota-missed', ['QUO-1', 'QUO-2'], { candidates: a.quota.candidates, target, windowEndOn, judgedOn: d.on });
        propose(ctx, {
          kind: 'termination',
          cause: 'quota',
          ruleId: 'QUO-2',
          proposedOn: on,
          grounds: { candidates: a.quota.candidates, target },
        });
      } else emit('quota-met', ['QUO-1'], { candidates: a.quota.candidates, target, windowEndOn, judgedOn: d.on });
    },
  },
};
