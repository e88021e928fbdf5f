import { isIsoDate } from '../domain/dates';
import { InvalidCommand } from '../domain/errors';

/** A what-if scenario (issue 5): dated events for one centre or network, replayed by the real workflows. */
export const SCENARIO_EVENT_TYPES = [
  'attestation.received',
  'referent.trained',
  'referent.badge-obtained',
  'sessions.finalised',
  'renewal.requested',
  'renewal.accepted',
  'suspension.started',
  'suspension.lifted',
  'breach.notified',
  'breach.cured',
  'visit.demanded',
  'visit.accepted',
  'visit.refused',
  'termination.requested',
  'termination.confirmed',
  'force-majeure.started',
  'force-majeure.ended',
  'cahier.substantial-change',
] as const;
export type ScenarioEventType = (typeof SCENARIO_EVENT_TYPES)[number];

export interface ScenarioEvent {
  on: string;
  type: ScenarioEventType;
  years?: number;
  candidates?: number;
  reason?: string;
  evidence?: string;
  effectiveOn?: string;
  summary?: string;
}

export interface Scenario {
  subject: { kind: 'centre' | 'network'; timezone: string; foreign: boolean };
  confirmProposals: boolean;
  until: string;
  events: ScenarioEvent[];
}

const fail = (field: string, message: string): never => {
  throw new InvalidCommand(field, `${field}: ${message}`);
};

/** Validates a scenario; an error names the event (by index and type) and the field at fault. */
export function parseScenario(raw: unknown): Scenario {
  if (!raw || typeof raw !== 'object') fail('(scenario)', 'must be a JSON object');
  const s = raw as Record<string, unknown>;
  const subject = (s.subject ?? fail('subject', 'is required')) as Record<string, unknown>;
  if (subject.kind !== 'centre' && subject.kind !== 'network') fail('subject.kind', 'must be "centre" or "network"');
  const timezone = subject.timezone ?? 'Europe/Paris';
  try {
    new Intl.DateTimeFormat('en', { timeZone: String(timezone) });
  } catch {
    fail('subject.timezone', `unknown time zone ${JSON.stringify(timezone)}`);
  }
  if (subject.foreign !== undefined && typeof subject.foreign !== 'boolean') fail('subject.foreign', 'must be true or false');
  if (s.confirmProposals !== undefined && typeof s.confirmProposals !== 'boolean') fail('confirmProposals', 'must be true or false');
  if (!isIsoDate(s.until)) fail('until', 'must be an ISO date (YYYY-MM-DD)');
  if (!Array.isArray(s.events) || s.events.length === 0) fail('events', 'must be a non-empty list');
  const events = (s.events as unknown[]).map((e, i) => {
    const at = (field: string) => `events[${i}]${field ? `.${field}` : ''}`;
    if (!e || typeof e !== 'object') fail(at(''), 'must be an object');
    const ev = e as Record<string, unknown>;
    const label = (field: string) => `${at(field)} (${String(ev.type)})`;
    if (!(SCENARIO_EVENT_TYPES as readonly string[]).includes(String(ev.type))) {
      fail(at('type'), `must be one of ${SCENARIO_EVENT_TYPES.join(', ')}`);
    }
    if (!isIsoDate(ev.on)) fail(label('on'), 'must be an ISO date (YYYY-MM-DD)');
    if (ev.years !== undefined && (!Number.isInteger(ev.years) || (ev.years as number) < 1 || (ev.years as number) > 3)) {
      fail(label('years'), 'must be an integer from 1 to 3 (APP-5)');
    }
    if (ev.type === 'sessions.finalised' && (!Number.isInteger(ev.candidates) || (ev.candidates as number) < 0)) {
      fail(label('candidates'), 'must be a non-negative integer');
    }
    if (ev.effectiveOn !== undefined && !isIsoDate(ev.effectiveOn)) fail(label('effectiveOn'), 'must be an ISO date');
    return ev as unknown as ScenarioEvent;
  });
  // Events may come in any order: sorted by date, stably (same-day events keep the order given), the attestation opening them.
  const attestations = events.filter((e) => e.type === 'attestation.received');
  if (attestations.length !== 1) fail('events', 'exactly one attestation.received opens the scenario (APP-6)');
  const opening = attestations[0]!;
  const before = events.findIndex((e) => e.on < opening.on);
  if (before >= 0) fail(`events[${before}].on (${events[before]!.type})`, `is before the attestation (${opening.on}, APP-6)`);
  events.splice(0, events.length, opening, ...events.filter((e) => e !== opening).sort((x, y) => (x.on < y.on ? -1 : x.on > y.on ? 1 : 0)));
  if ((s.until as string) < events[0]!.on) fail('until', 'must not be before the attestation');
  return {
    subject: { kind: subject.kind as 'centre' | 'network', timezone: String(timezone), foreign: subject.foreign === true },
    confirmProposals: s.confirmProposals === true,
    until: s.until as string,
    events,
  };
}
