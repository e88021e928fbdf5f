import { describe, expect, it } from 'vitest';
import { InvalidCommand, TransitionRefused } from '../../../../src/shared/domain/errors';
import { attributableIncidents, decideRemedy, openRemedy, remedyDue } from '../../../../src/sessions/domain/remedy';

const open = (affected: string[] | 'all' = ['c3', 'c7'], timeZone = 'Europe/Paris') =>
  openRemedy({ sessionId: 'S-1', centreName: 'Centre', date: '2026-03-28', timeZone, affected, incidents: ['Coupure du réseau'] });

describe('SES-12 remedy after an incident attributable to the centre', () => {
  it("SES-12 is due by the end of the 5th day after the session, in the centre's zone (summer time in Paris, none in Réunion)", () => {
    expect(remedyDue('2026-03-28', 'Europe/Paris')).toEqual({ on: '2026-04-02', at: new Date('2026-04-02T22:00:00.000Z') });
    expect(remedyDue('2026-03-28', 'Indian/Reunion')).toEqual({ on: '2026-04-02', at: new Date('2026-04-02T20:00:00.000Z') });
    expect(remedyDue('2026-03-28', 'America/Guadeloupe').at.toISOString()).toBe('2026-04-03T04:00:00.000Z');
  });

  it('SES-12 only incidents attributable to the centre count; one without a candidate concerns the whole session', () => {
    expect(attributableIncidents([])).toBeNull();
    expect(attributableIncidents([{ candidateLocalId: 'c1', description: 'Malaise', attributableToCentre: false }])).toBeNull();
    expect(
      attributableIncidents([
        { candidateLocalId: 'c3', description: 'Poste en panne', attributableToCentre: true },
        { candidateLocalId: 'c7', description: 'Poste en panne', attributableToCentre: true },
        { candidateLocalId: 'c3', description: 'Second redémarrage', attributableToCentre: true },
        { candidateLocalId: 'c9', description: 'Malaise', attributableToCentre: false },
      ]),
    ).toEqual({ affected: ['c3', 'c7'], incidents: ['Poste en panne', 'Poste en panne', 'Second redémarrage'] });
    expect(attributableIncidents([{ candidateLocalId: null, description: 'Coupure générale', attributableToCentre: true }])).toEqual({
      affected: 'all',
      incidents: ['Coupure générale'],
    });
  });

  it('SES-12 tells the centre at once, and records a remedy in time once', () => {
    const { remedy, events } = open();
    expect(remedy).toMatchObject({ state: 'awaiting', dueOn: '2026-04-02', dueAt: '2026-04-02T22:00:00.000Z', version: 1 });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'remedy-required',
        ruleIds: ['SES-12'],
        emails: [expect.objectContaining({ template: 'session-remedy-required', audience: 'centre' })],
      }),
    ]);
    const d = decideRemedy(remedy, {
      type: 'record',
      kind: 'new-session',
      candidateLocalIds: ['c3', 'c7', 'c3'],
      note: 'Session du 4 avril',
      at: new Date('2026-04-02T21:59:59Z'),
    });
    expect(d.remedy).toMatchObject({
      state: 'remedied',
      version: 2,
      remedy: { kind: 'new-session', candidateLocalIds: ['c3', 'c7'], note: 'Session du 4 avril' },
    });
    expect(d.events[0]).toMatchObject({ type: 'remedy-recorded', from: 'awaiting', to: 'remedied', data: { late: false } });
    expect(() =>
      decideRemedy(d.remedy, { type: 'record', kind: 'refund', candidateLocalIds: ['c3'], at: new Date('2026-04-03T00:00:00Z') }),
    ).toThrow(TransitionRefused);
  });

  it('SES-12 past the deadline it alerts operations (not before), and a later remedy is recorded late', () => {
    const { remedy } = open('all');
    expect(decideRemedy(remedy, { type: 'deadline-reached', at: new Date('2026-04-02T21:59:59Z') }).events).toEqual([]);
    const overdue = decideRemedy(remedy, { type: 'deadline-reached', at: new Date('2026-04-02T22:00:00Z') });
    expect(overdue.remedy.state).toBe('overdue');
    expect(overdue.events[0]!.emails).toEqual([expect.objectContaining({ template: 'session-remedy-overdue', audience: 'operations' })]);
    const late = decideRemedy(overdue.remedy, {
      type: 'record',
      kind: 'refund',
      candidateLocalIds: ['anyone'],
      at: new Date('2026-04-05T08:00:00Z'),
    });
    expect(late.remedy.state).toBe('remedied-late');
    expect(decideRemedy(overdue.remedy, { type: 'follow-up-ended', at: new Date('2026-06-01T00:00:00Z') }).remedy.state).toBe('unremedied');
  });

  it('SES-12 refuses a remedy of another kind, without candidates, or for a candidate the incidents did not concern', () => {
    const { remedy } = open();
    const field = (command: Parameters<typeof decideRemedy>[1]) => {
      try {
        decideRemedy(remedy, command);
      } catch (err) {
        return err instanceof InvalidCommand ? err.field : String(err);
      }
      return null;
    };
    const at = new Date('2026-03-30T10:00:00Z');
    expect(field({ type: 'record', kind: 'voucher', candidateLocalIds: ['c3'], at })).toBe('kind');
    expect(field({ type: 'record', kind: 'refund', candidateLocalIds: [], at })).toBe('candidateLocalIds');
    expect(field({ type: 'record', kind: 'refund', candidateLocalIds: ['c4'], at })).toBe('candidateLocalIds');
    expect(field({ type: 'record', kind: 'refund', candidateLocalIds: ['c3'], note: 42, at })).toBe('note');
    expect(field({ type: 'record', kind: 'refund', candidateLocalIds: ['c7'], at })).toBeNull();
  });
});
