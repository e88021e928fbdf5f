import type { LogEntry } from '../../shared/event-log/event-log';

/** The event log as people read it: what happened, when, by whom, why, under which rules. */
export function timelineView(entries: LogEntry[]) {
  return entries.map((e) => ({
    at: e.occurredAt.toISOString(),
    type: e.type,
    from: e.fromState,
    to: e.toState,
    ruleIds: e.ruleIds,
    actor: e.actor,
    reason: e.reason,
    data: e.data,
  }));
}
