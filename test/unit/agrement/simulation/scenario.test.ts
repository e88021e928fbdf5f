import { describe, expect, it } from 'vitest';
import { InvalidCommand } from '../../../../src/shared/domain/errors';
import { parseScenario, parseWhatIf, sortByDate } from '../../../../src/agrement/simulation/scenario';

const subject = { kind: 'centre', timezone: 'Europe/Paris', foreign: false };
const fieldOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidCommand) return err.field;
    throw err;
  }
  throw new Error('no error');
};

describe('what-if scenarios: events in any order (issue 10 §3)', () => {
  it('sorts by date, stably: events of one day keep the order given', () => {
    const events = [
      { on: '2026-03-10', type: 'b1' },
      { on: '2026-01-05', type: 'a1' },
      { on: '2026-03-10', type: 'b2' },
      { on: '2026-01-05', type: 'a2' },
      { on: '2026-03-10', type: 'b3' },
      { on: '2025-12-31', type: 'z' },
    ];
    expect(sortByDate(events).map((e) => e.type)).toEqual(['z', 'a1', 'a2', 'b1', 'b2', 'b3']);
    // The input is not reordered.
    expect(events[0]!.type).toBe('b1');
  });

  it('APP-6 a shuffled scenario is replayed from its attestation, then by date, same-day events in the order given', () => {
    const s = parseScenario({
      subject,
      until: '2026-06-30',
      events: [
        { on: '2026-03-10', type: 'breach.notified' },
        { on: '2026-02-28', type: 'suspension.started' },
        { on: '2025-02-10', type: 'referent.trained' },
        { on: '2026-03-10', type: 'suspension.lifted' },
        { on: '2025-01-31', type: 'attestation.received', years: 3 },
      ],
    });
    expect(s.events.map((e) => `${e.on} ${e.type}`)).toEqual([
      '2025-01-31 attestation.received',
      '2025-02-10 referent.trained',
      '2026-02-28 suspension.started',
      '2026-03-10 breach.notified',
      '2026-03-10 suspension.lifted',
    ]);
  });

  it('an error names the field as the request gave it: events[i] before sorting; dates out of the sane range are refused', () => {
    const events = [
      { on: '2026-03-10', type: 'breach.notified' },
      { on: '2025-01-31', type: 'attestation.received' },
      { on: '2025-01-01', type: 'referent.trained' },
    ];
    expect(fieldOf(() => parseScenario({ subject, until: '2026-06-30', events }))).toBe('events[2].on');
    expect(() => parseScenario({ subject, until: '2026-06-30', events })).toThrow('events[2].on (referent.trained)');
    expect(fieldOf(() => parseScenario({ subject, until: '9999-12-31', events: events.slice(0, 2) }))).toBe('until');
    expect(
      fieldOf(() => parseScenario({ subject, until: '2026-06-30', events: [events[1], { on: '0001-01-01', type: 'breach.notified' }] })),
    ).toBe('events[1].on');
  });
});

describe('what-if on a real agrément: the body (issue 10 §3)', () => {
  const today = '2026-11-30';
  const horizon = '2032-11-30';

  it('sorts the hypothetical events by date, stably, and defaults to no event and no confirmation', () => {
    const w = parseWhatIf(
      {
        until: '2027-03-31',
        events: [
          { on: '2027-01-02', type: 'termination.confirmed' },
          { on: today, type: 'breach.notified' },
          { on: '2026-12-01', type: 'visit.demanded' },
          { on: today, type: 'visit.demanded' },
        ],
      },
      today,
      horizon,
    );
    expect(w.events.map((e) => `${e.on} ${e.type}`)).toEqual([
      '2026-11-30 breach.notified',
      '2026-11-30 visit.demanded',
      '2026-12-01 visit.demanded',
      '2027-01-02 termination.confirmed',
    ]);
    expect(w.confirmProposals).toBe(false);
    expect(parseWhatIf({ until: today }, today, horizon)).toEqual({ confirmProposals: false, until: today, events: [] });
  });

  it('400 names the field: events dated before today or after until, an attestation, until in the past or beyond the horizon, unknown fields', () => {
    const field = (body: unknown) => fieldOf(() => parseWhatIf(body, today, horizon));
    const ok = { on: today, type: 'breach.notified' };
    expect(field({ until: '2027-01-31', events: [ok, { on: '2026-11-29', type: 'breach.cured' }] })).toBe('events[1].on');
    expect(field({ until: '2027-01-31', events: [{ on: '2027-02-01', type: 'breach.cured' }, ok] })).toBe('events[0].on');
    expect(field({ until: '2027-01-31', events: [{ on: today, type: 'attestation.received' }] })).toBe('events[0].type');
    expect(field({ until: '2027-01-31', events: [{ on: '2026-02-30', type: 'breach.notified' }] })).toBe('events[0].on');
    expect(field({ until: '2026-11-29', events: [] })).toBe('until');
    expect(field({ until: '2032-12-01', events: [] })).toBe('until');
    expect(parseWhatIf({ until: horizon, events: [] }, today, horizon).until).toBe(horizon);
    expect(field({ events: [ok] })).toBe('until');
    expect(field({ until: '2027-01-31', events: [ok], subject })).toBe('subject');
    expect(field({ until: '2027-01-31', events: [ok], confirmProposals: 'yes' })).toBe('confirmProposals');
    expect(field({ until: '2027-01-31', events: 'soon' })).toBe('events');
  });
});
