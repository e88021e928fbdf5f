import { isIsoDate } from '../../shared/domain/dates';
import { PARAMETERS } from '../../config/parameters';
import { InvalidCommand } from '../../shared/domain/errors';

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

const fail = (field: string, message: string, label = field): never => {
  throw new InvalidCommand(field, `${label}: ${message}`);
};

/** A date the engine accepts (year 0001 or 9999 is a typo, not a date to simulate). */
const isSaneDate = (v: unknown): v is string => isIsoDate(v) && v >= PARAMETERS.dates.earliest && v <= PARAMETERS.dates.latest;
const DATE_EXPECTED = `must be a calendar date (YYYY-MM-DD) between ${PARAMETERS.dates.earliest} and ${PARAMETERS.dates.latest}`;

/** The position each parsed event had in the request (events are sorted by date): errors name `events[i]` as given. */
const givenIndex = new WeakMap<ScenarioEvent, number>();
export const indexOfEvent = (ev: ScenarioEvent, fallback: number): number => givenIndex.get(ev) ?? fallback;

/**
 * Validates dated events; an error's field is `events[i].field` (i as given), its message names the event's type.
 * Returned in the order given.
 */
function parseEvents(raw: unknown, allowed: readonly string[], allowEmpty: boolean): ScenarioEvent[] {
  if (!Array.isArray(raw) || (!allowEmpty && raw.length === 0)) fail('events', allowEmpty ? 'must be a list' : 'must be a non-empty list');
  return (raw as unknown[]).map((e, i) => {
    const at = (field: string) => `events[${i}]${field ? `.${field}` : ''}`;
    if (!e || typeof e !== 'object' || Array.isArray(e)) fail(at(''), 'must be an object');
    const ev = e as Record<string, unknown>;
    const check = (field: string, ok: boolean, message: string) => {
      if (!ok) fail(at(field), message, `${at(field)} (${String(ev.type)})`);
    };
    if (!allowed.includes(String(ev.type))) fail(at('type'), `must be one of ${allowed.join(', ')}`);
    check('on', isSaneDate(ev.on), DATE_EXPECTED);
    check(
      'years',
      ev.years === undefined || (Number.isInteger(ev.years) && (ev.years as number) >= 1 && (ev.years as number) <= 3),
      'must be an integer from 1 to 3 (APP-5)',
    );
    check(
      'candidates',
      ev.type !== 'sessions.finalised' || (Number.isInteger(ev.candidates) && (ev.candidates as number) >= 0),
      'must be a non-negative integer',
    );
    check('effectiveOn', ev.effectiveOn === undefined || isSaneDate(ev.effectiveOn), DATE_EXPECTED);
    const parsed = ev as unknown as ScenarioEvent;
    givenIndex.set(parsed, i);
    return parsed;
  });
}

/** Events sorted by date, stably: events of one day keep the order given. */
export function sortByDate<E extends { on: string }>(events: readonly E[]): E[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((x, y) => (x.e.on < y.e.on ? -1 : x.e.on > y.e.on ? 1 : x.i - y.i))
    .map(({ e }) => e);
}

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
  if (!isSaneDate(s.until)) fail('until', DATE_EXPECTED);
  const given = parseEvents(s.events, SCENARIO_EVENT_TYPES, false);
  // Events may come in any order: sorted by date, stably (same-day events keep the order given), the attestation opening them.
  const attestations = given.filter((e) => e.type === 'attestation.received');
  if (attestations.length !== 1) fail('events', 'exactly one attestation.received opens the scenario (APP-6)');
  const opening = attestations[0]!;
  const before = given.findIndex((e) => e.on < opening.on);
  if (before >= 0)
    fail(`events[${before}].on`, `is before the attestation (${opening.on}, APP-6)`, `events[${before}].on (${given[before]!.type})`);
  const events = [opening, ...sortByDate(given.filter((e) => e !== opening))];
  if ((s.until as string) < opening.on) fail('until', 'must not be before the attestation');
  return {
    subject: { kind: subject.kind as 'centre' | 'network', timezone: String(timezone), foreign: subject.foreign === true },
    confirmProposals: s.confirmProposals === true,
    until: s.until as string,
    events,
  };
}

/** A what-if on a real agrément: hypothetical events from today, in the scenarios' vocabulary (the agrément exists: no attestation). */
export const WHAT_IF_EVENT_TYPES = SCENARIO_EVENT_TYPES.filter((t) => t !== 'attestation.received');

export interface WhatIf {
  confirmProposals: boolean;
  until: string;
  /** Sorted by date, stably. */
  events: ScenarioEvent[];
}

/**
 * Validates a what-if on a real agrément: `today` is today in the agrément's zone, `horizon` the last day
 * `until` may be. Events lie in [today, until]; an error names the field (`until`, `events[i].on`…).
 */
export function parseWhatIf(raw: unknown, today: string, horizon: string): WhatIf {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail('(body)', 'must be a JSON object');
  const s = raw as Record<string, unknown>;
  const unknown = Object.keys(s).find((k) => !['events', 'until', 'confirmProposals'].includes(k));
  if (unknown) fail(unknown, 'is not an accepted field (events, until, confirmProposals)');
  if (s.confirmProposals !== undefined && typeof s.confirmProposals !== 'boolean') fail('confirmProposals', 'must be true or false');
  if (!isSaneDate(s.until)) fail('until', DATE_EXPECTED);
  const until = s.until as string;
  if (until < today) fail('until', `must be today (${today}) or later`);
  if (until > horizon) fail('until', `must be at most ${horizon} (${PARAMETERS.simulation.whatIfHorizonYears} years ahead)`);
  const given = parseEvents(s.events ?? [], WHAT_IF_EVENT_TYPES, true);
  given.forEach((e, i) => {
    const label = `events[${i}].on (${e.type})`;
    if (e.on < today)
      fail(`events[${i}].on`, `is before today (${today} in the agrément's time zone): a what-if adds future events only`, label);
    if (e.on > until) fail(`events[${i}].on`, `is after until (${until})`, label);
  });
  return { confirmProposals: s.confirmProposals === true, until, events: sortByDate(given) };
}
